package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

type downOptions struct {
	endpoint string
	stateDir string
	purge    bool
	timeout  time.Duration
	// ask confirms stopping an ecsmini that is not the user's own; nil refuses.
	ask func(question string) bool
}

func newDownCmd() *cobra.Command {
	o := downOptions{}
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop a running ecsmini and remove every container, network and volume it created",
		Long: `Stop the ecsmini that answers at the endpoint (its tasks stop gracefully and its
state is saved), wait until it has exited, then remove whatever Docker containers,
networks and volumes it left behind, found by their ecsmini.managed and
ecsmini.state-dir labels. With nothing answering, it cleans up after the ecsmini of
--state-dir (default the per-user state directory), e.g. one that crashed.

Without --endpoint or --state-dir it stops only the ecsmini of your own state directory (the
per-user default): another one answering at the default address (another user's, or one
of yours on another --state-dir) is left running unless you confirm on a terminal, or
name it with --endpoint.

--purge also deletes the state directory, so the next 'ecsmini up' starts empty.`,
		Example: `  ecsmini down
  ecsmini down --purge
  ecsmini down --state-dir ./.ecsmini`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if isTerminal(stdinFile()) && isTerminal(cmd.ErrOrStderr()) {
				o.ask = func(q string) bool { return confirm(stdinFile(), cmd.ErrOrStderr(), q) }
			}
			return runDown(cmd.Context(), o, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini (default $ECSMINI_ENDPOINT, $AWS_ENDPOINT_URL_ECS, $ECSMINI_LISTEN, then http://"+DefaultListen+")")
	f.StringVar(&o.stateDir, "state-dir", "", "state directory of the ecsmini to clean up after when none answers (default the per-user state directory)")
	f.BoolVar(&o.purge, "purge", false, "also delete the state directory")
	f.DurationVar(&o.timeout, "timeout", 150*time.Second, "how long to wait for ecsmini to stop its tasks and exit")
	return cmd
}

func runDown(ctx context.Context, o downOptions, stdout, stderr io.Writer) error {
	u := endpointURL(o.endpoint)
	if o.stateDir != "" {
		// Absolute, as up records it (and labels its Docker objects with it).
		abs, err := filepath.Abs(o.stateDir)
		if err != nil {
			return fmt.Errorf("--state-dir: %w", err)
		}
		o.stateDir = abs
	}
	stateDir, runtime, did := o.stateDir, "", false
	h, _ := probe(ctx, u, time.Second)
	if h != nil {
		if o.stateDir != "" && filepath.Clean(o.stateDir) != filepath.Clean(h.StateDir) {
			return fmt.Errorf("the ecsmini at %s uses state directory %s, not %s; pass the --endpoint of the one you mean", u, h.StateDir, o.stateDir)
		}
		if o.endpoint == "" && o.stateDir == "" {
			if err := checkOwn(u, h.StateDir, h.PID, o.ask); err != nil {
				return err
			}
		}
		stateDir, runtime = h.StateDir, h.Runtime
		if err := requestShutdown(ctx, u, h.PID); err != nil {
			return err
		}
		if err := waitStopped(ctx, u, stateDir, h.PID, o.timeout); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "stopped ecsmini (pid %d)\n", h.PID)
		did = true
	} else {
		if stateDir == "" {
			d, err := defaultStateDir()
			if err != nil {
				return err
			}
			stateDir = d
		}
		if stateLocked(stateDir) {
			return fmt.Errorf("state directory %s is in use by an ecsmini that does not answer at %s; pass its --endpoint", stateDir, u)
		}
	}

	removed, err := removeDockerObjects(ctx, stateDir, runtime, stderr)
	if removed.any() || (did && err == nil && !removed.skipped) {
		fmt.Fprintf(stdout, "removed %s, %s, %s\n", plural(removed.containers, "container"), plural(removed.networks, "network"), plural(removed.volumes, "volume"))
	}
	if err != nil {
		return err
	}
	did = did || removed.any()

	if o.purge {
		deleted, err := purgeStateDir(stateDir)
		if err != nil {
			return err
		}
		if deleted != "" {
			fmt.Fprintf(stdout, "deleted %s\n", deleted)
			did = true
		}
	}
	if !did {
		fmt.Fprintf(stdout, "nothing to do: no ecsmini answers at %s and none left anything behind (state directory %s)\n", u, stateDir)
	}
	return nil
}

// checkOwn lets down, given no --endpoint or --state-dir, stop only the user's own
// ecsmini: the one on the per-user state directory. Another one answering at the
// default address (another user's on a shared machine, or a test's) is stopped only
// when ask confirms it; without ask (no terminal) down refuses and says how to name it.
func checkOwn(endpoint, stateDir string, pid int, ask func(string) bool) error {
	mine, err := defaultStateDir()
	if err == nil && filepath.Clean(stateDir) == filepath.Clean(mine) {
		return nil
	}
	what := fmt.Sprintf("the ecsmini at %s (pid %d) keeps its state in %s, not in your state directory %s", endpoint, pid, stateDir, mine)
	if ask != nil && ask(what+". Stop it and its tasks? [y/N] ") {
		return nil
	}
	return fmt.Errorf("not stopping it: %s; to stop it, name it: ecsmini down --endpoint %s", what, endpoint)
}

// confirm asks question on w and reads a yes from r.
func confirm(r io.Reader, w io.Writer, question string) bool {
	fmt.Fprint(w, question)
	var answer string
	_, _ = fmt.Fscanln(r, &answer) // no answer is no
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes"
}

// requestShutdown asks the ecsmini at endpoint to stop.
func requestShutdown(ctx context.Context, endpoint string, pid int) error {
	c := newClient(endpoint)
	c.Timeout = 10 * time.Second
	err := c.Shutdown(ctx)
	if ecsminiapi.IsNotServed(err) {
		return fmt.Errorf("the ecsmini at %s (pid %d) does not accept shutdown requests (an older version?); stop it with Ctrl-C or 'kill %d'", endpoint, pid, pid)
	}
	if err != nil {
		return fmt.Errorf("asking the ecsmini at %s to stop: %w", endpoint, err)
	}
	return nil
}

// waitStopped waits until the ecsmini no longer answers and has let go of its state
// directory: it has then stopped its tasks and saved its state. It stops answering
// first, while its tasks stop, so the state directory's lock is the sign it has exited.
func waitStopped(ctx context.Context, endpoint, stateDir string, pid int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := probe(ctx, endpoint, time.Second); err != nil && !stateLocked(stateDir) {
			return nil
		}
		select {
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return fmt.Errorf("ecsmini (pid %d) is still stopping after %s (its tasks may still be stopping); run 'ecsmini down' again later, or pass a longer --timeout", pid, timeout)
			}
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// stateLockFile is the file a running ecsmini holds an exclusive flock on in its state
// directory (see emulator/store).
const stateLockFile = "lock"

// stateLocked reports whether a running ecsmini holds dir. A directory on this machine
// without a lock file has never been used or is not here: not locked.
func stateLocked(dir string) bool {
	if dir == "" {
		return false
	}
	f, err := os.OpenFile(filepath.Join(dir, stateLockFile), os.O_RDWR, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return errors.Is(err, syscall.EWOULDBLOCK)
	}
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) // closing unlocks too
	return false
}

type removedObjects struct {
	containers, networks, volumes int
	skipped                       bool // Docker was not reachable
}

func (r removedObjects) any() bool { return r.containers+r.networks+r.volumes > 0 }

// removeDockerObjects removes the containers, then the networks, then the volumes that
// carry ecsmini's labels for stateDir. An unreachable Docker is only an error when the
// ecsmini ran on Docker; otherwise nothing can be there, and a note says so.
func removeDockerObjects(ctx context.Context, stateDir, runtime string, stderr io.Writer) (removedObjects, error) {
	var r removedObjects
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	e, err := dockerrt.Connect(cctx)
	cancel()
	if err != nil {
		if runtime == "docker" {
			return r, fmt.Errorf("cannot remove the containers it left: %w", err)
		}
		r.skipped = true
		fmt.Fprintf(stderr, "note: skipped looking for leftover containers: Docker is not reachable (%v)\n", firstLine(err))
		return r, nil
	}
	defer e.Close()
	labels := map[string]string{agent.LabelManaged: agent.ManagedValue, agent.LabelStateDir: stateDir}
	var errs []error
	ctrs, err := e.Runtime().List(ctx, labels)
	if err != nil {
		return r, err
	}
	for _, c := range ctrs {
		if err := e.Runtime().Remove(ctx, c.ID); err != nil {
			errs = append(errs, err)
			continue
		}
		r.containers++
	}
	nets, err := e.NetworksWithLabels(ctx, labels)
	if err != nil {
		return r, errors.Join(append(errs, err)...)
	}
	for _, n := range nets {
		if err := e.RemoveNetwork(ctx, n); err != nil {
			errs = append(errs, err)
			continue
		}
		r.networks++
	}
	vols, err := e.VolumesWithLabels(ctx, labels)
	if err != nil {
		return r, errors.Join(append(errs, err)...)
	}
	for _, v := range vols {
		if err := e.RemoveVolume(ctx, v); err != nil {
			errs = append(errs, err)
			continue
		}
		r.volumes++
	}
	return r, errors.Join(errs...)
}

// purgeStateDir deletes the state directory after checking that it is one: it returns
// the path deleted, or "" when there was none.
func purgeStateDir(dir string) (string, error) {
	abs, err := checkPurgePath(dir)
	if err != nil || abs == "" {
		return "", err
	}
	if err := os.RemoveAll(abs); err != nil {
		return "", fmt.Errorf("deleting the state directory: %w", err)
	}
	return abs, nil
}

// checkPurgePath refuses paths that cannot be an ecsmini state directory: empty, the
// root, the home directory or one that contains it, a directory without ecsmini's lock
// file, and one a running ecsmini holds. A path that does not exist gives "".
func checkPurgePath(dir string) (string, error) {
	if strings.TrimSpace(dir) == "" {
		return "", errors.New("refusing to delete the state directory: the path is empty")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("state directory %s: %w", dir, err)
	}
	paths := []string{abs}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		paths = append(paths, real)
	} else if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	home, _ := os.UserHomeDir()
	for _, p := range paths {
		switch {
		case p == string(filepath.Separator):
			return "", fmt.Errorf("refusing to delete %s: it is the root directory", dir)
		case home != "" && p == filepath.Clean(home):
			return "", fmt.Errorf("refusing to delete %s: it is the home directory", dir)
		case home != "" && strings.HasPrefix(filepath.Clean(home), p+string(filepath.Separator)):
			return "", fmt.Errorf("refusing to delete %s: it contains the home directory", dir)
		}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("state directory: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("refusing to delete %s: it is not a directory", dir)
	}
	if _, err := os.Stat(filepath.Join(abs, stateLockFile)); err != nil {
		return "", fmt.Errorf("refusing to delete %s: it does not look like an ecsmini state directory (no %s file)", dir, stateLockFile)
	}
	if stateLocked(abs) {
		return "", fmt.Errorf("refusing to delete %s: a running ecsmini uses it", dir)
	}
	return abs, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
