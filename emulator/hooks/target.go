package hooks

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/statefile"
)

// Target is one mapping: a hook target ARN answered by an HTTP endpoint (URL) or a
// command (Command, split into words as a shell would, without a shell).
type Target struct {
	ARN     string `json:"arn"`
	URL     string `json:"url,omitempty"`
	Command string `json:"command,omitempty"`
}

// cmdPrefix marks a command in a mapping's text form.
const cmdPrefix = "cmd:"

// ParseMapping reads ARN=http://… or ARN=cmd:… (the form of `up --hook` and
// `ecsmini hook set`).
func ParseMapping(s string) (Target, error) {
	arn, to, ok := strings.Cut(s, "=")
	if !ok {
		return Target{}, fmt.Errorf("hook mapping %q: want ARN=http://… or ARN=cmd:COMMAND", s)
	}
	t := Target{ARN: strings.TrimSpace(arn)}
	if c, isCmd := strings.CutPrefix(to, cmdPrefix); isCmd {
		t.Command = strings.TrimSpace(c)
	} else {
		t.URL = strings.TrimSpace(to)
	}
	return t, t.Validate()
}

// String is the mapping's text form, as ParseMapping reads it.
func (t Target) String() string {
	if t.Command != "" {
		return t.ARN + "=" + cmdPrefix + t.Command
	}
	return t.ARN + "=" + t.URL
}

// Validate checks the ARN and that exactly one of URL and Command is an acceptable one.
func (t Target) Validate() error {
	if !strings.HasPrefix(t.ARN, "arn:") {
		return fmt.Errorf("hook target %q is not an ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)", t.ARN)
	}
	switch {
	case (t.URL == "") == (t.Command == ""):
		return fmt.Errorf("hook %s: give exactly one of an http(s) URL and cmd:COMMAND", t.ARN)
	case t.URL != "":
		u, err := url.Parse(t.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("hook %s: %q is not an http:// or https:// URL", t.ARN, t.URL)
		}
	}
	return nil
}

// The mappings are one small file, rewritten whole on every change and flushed to the
// disk before the change is answered (statefile).
const stateFile = "state.json"

type diskState struct {
	Targets []Target `json:"targets"`
}

func (r *Runner) load() error {
	if r.cfg.Dir == "" {
		return nil
	}
	var st diskState
	if _, err := statefile.Load(r.cfg.Dir, stateFile, &st); err != nil {
		return err
	}
	for _, t := range st.Targets {
		r.targets[t.ARN] = t
	}
	return nil
}

// saveLocked writes the mappings; the caller holds r.mu.
func (r *Runner) saveLocked() error {
	if r.cfg.Dir == "" {
		return nil
	}
	st := diskState{Targets: make([]Target, 0, len(r.targets))}
	for _, t := range r.targets {
		st.Targets = append(st.Targets, t)
	}
	return statefile.Save(r.cfg.Dir, stateFile, st)
}
