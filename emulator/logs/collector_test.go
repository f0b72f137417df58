package logs

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

const (
	taskID  = "0123456789abcdef0123456789abcdef"
	taskARN = "arn:aws:ecs:us-east-1:000000000000:task/default/" + taskID
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

type env struct {
	t   *testing.T
	clk *clock.Fake
	rt  *sim.Runtime
	c   *Collector
	dir string
	// stop ends Run's context; ran receives what Run returned.
	stop context.CancelFunc
	ran  chan error
}

// newEnv runs a collector on a simulated runtime and a fake clock until the test ends.
func newEnv(t *testing.T, setup func(*Collector)) *env {
	t.Helper()
	clk := clock.NewFake(t0)
	rt := sim.New(clk, sim.Options{})
	dir := t.TempDir()
	c := NewCollector(rt, filepath.Join(dir, "logs"), clk)
	if setup != nil {
		setup(c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done, ran := make(chan error, 1), make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	go func() {
		err := <-done
		ran <- err
		close(ran)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-ran; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-c.ready:
	case err := <-ran:
		t.Fatalf("Run ended early: %v", err)
	}
	return &env{t: t, clk: clk, rt: rt, c: c, dir: c.Dir(), stop: cancel, ran: ran}
}

// create creates a task container printing output (lines separated by \n).
func (e *env) create(arn, name, output string, extra map[string]string) string {
	e.t.Helper()
	labels := map[string]string{labelTaskARN: arn, labelContainerName: name, sim.LabelOutput: output}
	for k, v := range extra {
		labels[k] = v
	}
	_, id, _ := parseTaskARN(arn)
	ctrID, err := e.rt.Create(context.Background(), containers.Spec{Name: "ecs-" + name + "-" + id, Image: "busybox", Labels: labels})
	if err != nil {
		e.t.Fatal(err)
	}
	return ctrID
}

func (e *env) start(id string) {
	e.t.Helper()
	if err := e.rt.Start(context.Background(), id); err != nil {
		e.t.Fatal(err)
	}
}

// run creates and starts a task container.
func (e *env) run(arn, name, output string, extra map[string]string) string {
	id := e.create(arn, name, output, extra)
	e.start(id)
	return id
}

// waitFor waits until cond holds, looking again at each change of the collector (which
// works in its own goroutines); 10 s of real time bound a broken test.
func waitFor(t *testing.T, c *Collector, what string, cond func() bool) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		changed := c.Changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-limit.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// texts reads a container's file and returns the text of its lines.
func (e *env) texts(cluster, id, name string) []string {
	b, err := os.ReadFile(filepath.Join(e.dir, cluster, id, name+".log"))
	if err != nil {
		return nil
	}
	var out []string
	for l := range strings.Lines(string(b)) {
		_, text, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "\t")
		out = append(out, text)
	}
	return out
}

// idle reports whether nothing may still write the container's file.
func (e *env) idle(name string) bool {
	e.c.mu.Lock()
	f := e.c.files[filepath.Join(e.dir, "default", taskID, name+".log")]
	e.c.mu.Unlock()
	if f == nil {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.live == 0
}

func readAllLines(t *testing.T, s *Stream) []string {
	t.Helper()
	var out []string
	for {
		l, err := s.Next()
		if errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatal(err)
		}
		out = append(out, l.Text)
	}
}

func TestTwoContainersLandInTheirFiles(t *testing.T) {
	e := newEnv(t, nil)
	e.run(taskARN, "app", "a1\na2", nil)
	e.run(taskARN, "sidecar", "b1", nil)
	waitFor(t, e.c, "both files", func() bool {
		return slices.Equal(e.texts("default", taskID, "app"), []string{"a1", "a2"}) &&
			slices.Equal(e.texts("default", taskID, "sidecar"), []string{"b1"})
	})
	path := filepath.Join(e.dir, "default", taskID, "app.log")
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	if want := t0.Format(time.RFC3339Nano) + "\ta1\n"; !strings.HasPrefix(string(b), want) {
		t.Errorf("file starts %q, want %q", b, want)
	}
	for _, name := range []string{taskARN, taskID} {
		task, err := e.c.Lookup(name)
		if err != nil {
			t.Fatalf("Lookup(%s): %v", name, err)
		}
		if task.Cluster != "default" || task.ID != taskID || !slices.Equal(task.Containers, []string{"app", "sidecar"}) {
			t.Errorf("Lookup(%s) = %+v", name, task)
		}
	}
	if _, err := e.c.Lookup("ffffffffffffffffffffffffffffffff"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown task: %v, want ErrNotFound", err)
	}
	if _, err := e.c.Read(context.Background(), taskID, "nope", ReadOptions{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown container: %v, want ErrNotFound", err)
	}
}

func TestIgnoresContainersOutsideTasks(t *testing.T) {
	e := newEnv(t, nil)
	// No task label; a pause container (a name that is no file name); then a task container.
	if _, err := e.rt.Create(context.Background(), containers.Spec{Name: "other", Image: "busybox",
		Labels: map[string]string{sim.LabelOutput: "x"}}); err != nil {
		t.Fatal(err)
	}
	e.run(taskARN, "~internal~ecs~pause", "p", nil)
	e.run(taskARN, "app", "a", nil)
	waitFor(t, e.c, "app", func() bool { return len(e.texts("default", taskID, "app")) == 1 })
	task, err := e.c.Lookup(taskID)
	if err != nil || !slices.Equal(task.Containers, []string{"app"}) {
		t.Errorf("Lookup = %+v, %v; want only app", task, err)
	}
}

func TestRestartedContainerAppends(t *testing.T) {
	e := newEnv(t, nil)
	id := e.run(taskARN, "app", "hello\nworld", map[string]string{sim.LabelExitAfter: "1s"})
	waitFor(t, e.c, "first run", func() bool { return len(e.texts("default", taskID, "app")) == 2 })
	e.clk.Advance(time.Second)
	waitFor(t, e.c, "first run to end", func() bool { return e.idle("app") })
	e.clk.Advance(time.Minute)
	e.start(id) // the sim replays the first run's lines; only the new ones are kept
	waitFor(t, e.c, "second run", func() bool { return len(e.texts("default", taskID, "app")) >= 4 })
	e.clk.Advance(time.Second)
	waitFor(t, e.c, "second run to end", func() bool { return e.idle("app") })
	if got, want := e.texts("default", taskID, "app"), []string{"hello", "world", "hello", "world"}; !slices.Equal(got, want) {
		t.Fatalf("lines %q, want %q", got, want)
	}
	// Since selects the second run by its timestamps.
	s, err := e.c.Read(context.Background(), taskID, "app", ReadOptions{Since: t0.Add(30 * time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	l, err := s.Next()
	if err != nil || l.Text != "hello" || !l.Time.Equal(t0.Add(61*time.Second)) {
		t.Errorf("first line since: %+v, %v", l, err)
	}
	if got := readAllLines(t, s); !slices.Equal(got, []string{"world"}) {
		t.Errorf("rest since: %q", got)
	}
}

func TestFollowEndsWhenContainerExits(t *testing.T) {
	e := newEnv(t, nil)
	// Follow a container that is created but not started: the stream waits for it.
	id := e.create(taskARN, "app", "one\ntwo", map[string]string{sim.LabelExitAfter: "5s"})
	waitFor(t, e.c, "the created container's file", func() bool {
		_, err := e.c.Lookup(taskID)
		return err == nil && !e.idle("app")
	})
	s, err := e.c.Read(context.Background(), taskARN, "app", ReadOptions{Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type result struct {
		lines []string
	}
	got := make(chan result, 1)
	go func() {
		var r result
		for {
			l, err := s.Next()
			if err != nil {
				got <- r
				return
			}
			r.lines = append(r.lines, l.Text)
		}
	}()
	e.start(id)
	waitFor(t, e.c, "lines", func() bool { return len(e.texts("default", taskID, "app")) == 2 })
	select {
	case r := <-got:
		t.Fatalf("follow ended while the container runs: %q", r.lines)
	case <-time.After(20 * time.Millisecond):
	}
	e.clk.Advance(5 * time.Second)
	select {
	case r := <-got:
		if !slices.Equal(r.lines, []string{"one", "two"}) {
			t.Errorf("followed %q", r.lines)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("follow did not end when the container exited")
	}
}

func TestFollowEndsWithContext(t *testing.T) {
	e := newEnv(t, nil)
	e.run(taskARN, "app", "x", nil)
	waitFor(t, e.c, "line", func() bool { return len(e.texts("default", taskID, "app")) == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	s, err := e.c.Read(ctx, taskID, "app", ReadOptions{Follow: true, Tail: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if l, err := s.Next(); err != nil || l.Text != "x" {
		t.Fatalf("Next = %+v, %v", l, err)
	}
	cancel()
	if _, err := s.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after cancel: %v, want EOF", err)
	}
}

func TestRotation(t *testing.T) {
	e := newEnv(t, func(c *Collector) { c.MaxFileBytes = 200 })
	var out []string
	for i := range 30 {
		out = append(out, strings.Repeat("x", 10)+string(rune('a'+i%26)))
	}
	e.run(taskARN, "app", strings.Join(out, "\n"), map[string]string{sim.LabelExitAfter: "1s"})
	e.clk.Advance(time.Second)
	waitFor(t, e.c, "copy", func() bool { return e.idle("app") })
	path := filepath.Join(e.dir, "default", taskID, "app.log")
	for _, p := range []string{path, path + ".1"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 200 {
			t.Errorf("%s is %d bytes, over the cap", p, st.Size())
		}
	}
	s, err := e.c.Read(context.Background(), taskID, "app", ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := readAllLines(t, s)
	if len(got) == 0 || len(got) >= len(out) || !slices.Equal(got, out[len(out)-len(got):]) {
		t.Errorf("after rotation read %q, want a suffix of the output", got)
	}
}

func TestStreamName(t *testing.T) {
	for _, c := range []struct{ prefix, ctr, id, want string }{
		{"ecs", "curl", "8f03e41243824aea923aca126495f665", "ecs/curl/8f03e41243824aea923aca126495f665"},
		{"my/app", "web", taskID, "my/app/web/" + taskID},
		{"", "web", taskID, ""},
	} {
		if got := StreamName(c.prefix, c.ctr, c.id); got != c.want {
			t.Errorf("StreamName(%q, %q, %q) = %q, want %q", c.prefix, c.ctr, c.id, got, c.want)
		}
	}
}

func TestParseTaskARN(t *testing.T) {
	for _, c := range []struct {
		arn, cluster, id string
		ok               bool
	}{
		{taskARN, "default", taskID, true},
		{"arn:aws:ecs:us-east-1:000000000000:task/" + taskID, "default", taskID, true},
		{"arn:aws:ecs:us-east-1:000000000000:task/../" + taskID, "", "", false},
		{"arn:aws:ecs:us-east-1:000000000000:cluster/default", "", "", false},
		{taskID, "", "", false},
	} {
		cl, id, ok := parseTaskARN(c.arn)
		if cl != c.cluster || id != c.id || ok != c.ok {
			t.Errorf("parseTaskARN(%q) = %q, %q, %v", c.arn, cl, id, ok)
		}
	}
}

func TestDrainAfterStop(t *testing.T) {
	e := newEnv(t, func(c *Collector) { c.Drain = time.Minute })
	e.run(taskARN, "app", "x", nil) // runs until stopped
	waitFor(t, e.c, "line", func() bool { return len(e.texts("default", taskID, "app")) == 1 })
	s, err := e.c.Read(context.Background(), taskID, "app", ReadOptions{Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if l, err := s.Next(); err != nil || l.Text != "x" {
		t.Fatalf("Next = %+v, %v", l, err)
	}
	e.stop()
	// Followers end with the context; the copier keeps going until the drain ends.
	if _, err := s.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("follow after stop: %v, want EOF", err)
	}
	select {
	case err := <-e.ran:
		t.Fatalf("Run returned before the drain: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	armed, cancelArmed := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancelArmed()
	if err := e.clk.WaitPending(armed, 1); err != nil {
		t.Fatalf("the drain timer was never set: %v", err)
	}
	e.clk.Advance(time.Minute)
	select {
	case <-e.ran:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after the drain")
	}
}

// `ecsmini ps` shows task IDs shortened to 12 characters, as docker ps does: a unique
// prefix of a task ID names the task, as docker logs takes one.
func TestLookupByIDPrefix(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{
		filepath.Join("default", taskID, "app.log"),
		filepath.Join("web", "0123456789ab0000ffffffffffffffff", "app.log"),
		filepath.Join("web", "fedcba9876543210fedcba9876543210", "app.log"),
	} {
		if err := os.MkdirAll(filepath.Join(e.dir, filepath.Dir(p)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(e.dir, p), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for prefix, want := range map[string]string{
		"0123456789abc": "default/" + taskID,
		"fedcba987654":  "web/fedcba9876543210fedcba9876543210",
		taskID:          "default/" + taskID,
	} {
		task, err := e.c.Lookup(prefix)
		if err != nil || task.Cluster+"/"+task.ID != want || !slices.Equal(task.Containers, []string{"app"}) {
			t.Errorf("Lookup(%s) = %+v, %v; want %s", prefix, task, err, want)
		}
	}
	if _, err := e.c.Lookup("0123456789ab"); !errors.Is(err, ErrAmbiguous) {
		t.Errorf("a prefix of two tasks: %v, want ErrAmbiguous", err)
	}
	if _, err := e.c.Lookup("0123456789abd"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a prefix of no task: %v, want ErrNotFound", err)
	}
}

// TestOnlyKeepsItsOwnContainers: with Only set, the containers of another state
// directory on the same engine (another ecsmini, or an `ecsmini agent`) are not
// collected, nor handed to the sink.
func TestOnlyKeepsItsOwnContainers(t *testing.T) {
	sink := &recordingSink{lines: map[string][]string{}, label: map[string]string{}}
	e := newEnv(t, func(c *Collector) { c.Only, c.Sink = map[string]string{"ecsmini.state-dir": "/mine"}, sink })
	other := e.run(taskARN, "theirs", "not mine", map[string]string{"ecsmini.state-dir": "/theirs"})
	mine := e.run(taskARN, "app", "mine", map[string]string{"ecsmini.state-dir": "/mine"})
	// The store and the sink get a batch one after the other: wait for both. The
	// other container started first, so its start was handled before these lines.
	waitFor(t, e.c, "app", func() bool {
		l, _ := sink.got(mine)
		return len(e.texts("default", taskID, "app")) == 1 && len(l) == 1
	})
	if got := e.texts("default", taskID, "theirs"); got != nil {
		t.Errorf("another state directory's container was collected: %q", got)
	}
	if l, _ := sink.got(other); l != nil {
		t.Errorf("the sink got another state directory's lines: %q", l)
	}
	if l, _ := sink.got(mine); !slices.Equal(l, []string{"mine"}) {
		t.Errorf("the sink got %q of its own container", l)
	}
}
