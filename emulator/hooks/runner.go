package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	shellwords "github.com/mattn/go-shellwords"
)

// The hook statuses of ECS's lifecycle hooks.
const (
	Succeeded  = "SUCCEEDED"
	Failed     = "FAILED"
	InProgress = "IN_PROGRESS"
)

// DefaultTimeout bounds one invocation when the Runner has no Timeout: a Lambda
// function's own ceiling is 15 minutes, but a hook that answers at all answers fast
// and re-polls with IN_PROGRESS.
const DefaultTimeout = time.Minute

// maxAnswer bounds what is read of a hook's answer (Lambda's 6 MB response limit is
// far more than a hookStatus needs).
const maxAnswer = 1 << 20

// Config configures a Runner.
type Config struct {
	Dir     string        // where the mappings are kept ("": in memory only)
	Timeout time.Duration // per invocation (DefaultTimeout when 0)
	HTTP    *http.Client  // for URL targets (a client without its own timeout when nil)
	Log     *slog.Logger
}

// Runner invokes lifecycle hooks through the user's mappings. Its methods are safe for
// concurrent use.
type Runner struct {
	cfg     Config
	mu      sync.Mutex
	targets map[string]Target // by ARN
}

// Open loads the mappings kept under cfg.Dir.
func Open(cfg Config) (*Runner, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{cfg: cfg, targets: map[string]Target{}}
	if err := r.load(); err != nil {
		return nil, fmt.Errorf("lifecycle hook mappings: %w", err)
	}
	return r, nil
}

// Set maps t.ARN to t's endpoint or command, replacing an earlier mapping.
func (r *Runner) Set(t Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	old, had := r.targets[t.ARN]
	r.targets[t.ARN] = t
	if err := r.saveLocked(); err != nil {
		if had {
			r.targets[t.ARN] = old
		} else {
			delete(r.targets, t.ARN)
		}
		return err
	}
	return nil
}

// Remove drops the mapping of arn; found says whether there was one.
func (r *Runner) Remove(arn string) (found bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old, had := r.targets[arn]
	if !had {
		return false, nil
	}
	delete(r.targets, arn)
	if err := r.saveLocked(); err != nil {
		r.targets[arn] = old
		return true, err
	}
	return true, nil
}

// List returns the mappings sorted by ARN.
func (r *Runner) List() []Target {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Target, 0, len(r.targets))
	for _, t := range r.targets {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Target) int { return strings.Compare(a.ARN, b.ARN) })
	return out
}

// Invoke delivers one invocation of the hook hookTargetArn with payload (JSON) and
// returns its status. An unmapped ARN succeeds. err is non-nil exactly when the
// invocation itself went wrong (unreachable endpoint, HTTP error, timeout, a command
// that failed or answered nonsense); the status is then FAILED and err keeps the reason.
// A hook that answers FAILED returns FAILED with a nil err.
func (r *Runner) Invoke(ctx context.Context, hookTargetArn string, payload []byte) (status string, err error) {
	r.mu.Lock()
	t, ok := r.targets[hookTargetArn]
	r.mu.Unlock()
	if !ok {
		return Succeeded, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	if t.URL != "" {
		status, err = r.post(ctx, t.URL, payload)
	} else {
		status, err = r.run(ctx, t, payload)
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = fmt.Errorf("hook %s timed out after %s: %w", hookTargetArn, r.cfg.Timeout, err)
		} else {
			err = fmt.Errorf("hook %s: %w", hookTargetArn, err)
		}
		r.cfg.Log.Warn("lifecycle hook failed", "arn", hookTargetArn, "err", err)
		return Failed, err
	}
	return status, nil
}

// post sends the payload to an endpoint as a Lambda function URL would receive it.
// A 2xx answer without a hookStatus succeeds; any other status fails.
func (r *Runner) post(ctx context.Context, url string, payload []byte) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return "", fmt.Errorf("building the request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.cfg.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return "", fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fmt.Errorf("%s answered HTTP %d: %s", url, resp.StatusCode, snippet(body))
	}
	return answer(body, Succeeded)
}

// run runs a command with the payload on stdin. Without a hookStatus on stdout, exit
// status 0 succeeds; a non-zero exit fails, with its stderr as the reason.
func (r *Runner) run(ctx context.Context, t Target, payload []byte) (string, error) {
	args, err := shellwords.Parse(t.Command)
	if err != nil || len(args) == 0 {
		return "", fmt.Errorf("command %q cannot be split into words: %v", t.Command, err)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Stdin = bytes.NewReader(payload)
	cmd.Env = append(os.Environ(), "ECSMINI_HOOK_TARGET_ARN="+t.ARN)
	cmd.WaitDelay = time.Second // a child holding stdout open must not outlive the timeout
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limited{w: &stdout}, &limited{w: &stderr}
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return "", fmt.Errorf("command %q: %w", t.Command, ctx.Err())
	}
	if runErr != nil {
		var exit *exec.ExitError
		if errors.As(runErr, &exit) {
			if st, err := answer(stdout.Bytes(), ""); err == nil && st != "" {
				return st, nil
			}
			return "", fmt.Errorf("command %q exited with status %d: %s", t.Command, exit.ExitCode(), snippet(stderr.Bytes()))
		}
		return "", fmt.Errorf("command %q: %w", t.Command, runErr)
	}
	return answer(stdout.Bytes(), Succeeded)
}

// answer reads {"hookStatus": …} from a hook's output; output without one (empty, or
// JSON without the field) gives def, and def "" makes that an error.
func answer(out []byte, def string) (string, error) {
	out = bytes.TrimSpace(out)
	if len(out) == 0 {
		if def == "" {
			return "", errors.New("no answer")
		}
		return def, nil
	}
	var a struct {
		HookStatus string `json:"hookStatus"`
	}
	if err := json.Unmarshal(out, &a); err != nil {
		return "", fmt.Errorf("the answer is not JSON with a hookStatus: %s", snippet(out))
	}
	switch a.HookStatus {
	case Succeeded, Failed, InProgress:
		return a.HookStatus, nil
	case "":
		if def == "" {
			return "", errors.New("the answer has no hookStatus")
		}
		return def, nil
	default:
		return "", fmt.Errorf("unknown hookStatus %q (want SUCCEEDED, FAILED or IN_PROGRESS)", a.HookStatus)
	}
}

// snippet is the start of an answer, for an error message.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		s = "(no output)"
	}
	return s
}

// limited keeps at most maxAnswer bytes and discards the rest, so a chatty command
// cannot fill memory.
type limited struct {
	w *bytes.Buffer
}

func (l *limited) Write(p []byte) (int, error) {
	if room := maxAnswer - l.w.Len(); room > 0 {
		l.w.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
