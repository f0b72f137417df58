package logs

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// A simulated container's follower holds no goroutine while it waits (5,000 simulated
// tasks held 5,000), still writes the lines, and ends when its container exits.
func TestSimulatedFollowersParkWithoutGoroutines(t *testing.T) {
	e := newEnv(t, nil)
	const n = 100
	before := runtime.NumGoroutine()
	ids := make([]string, n)
	ctrs := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%032x", i+1)
		ctrs[i] = e.run("arn:aws:ecs:us-east-1:000000000000:task/default/"+ids[i], "app", "ready", nil)
	}
	for _, id := range ids {
		waitFor(t, e.c, "the line of "+id, func() bool { return slices.Equal(e.texts("default", id, "app"), []string{"ready"}) })
	}
	pollFor(t, "followers parked", func() bool { return runtime.NumGoroutine()-before < n/10 })
	for _, ctr := range ctrs {
		if err := e.rt.Stop(context.Background(), ctr, 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range ids {
		f := e.fileOf(id, "app")
		pollFor(t, "the follower of "+id+" to end", func() bool {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.live == 0
		})
	}
}

func (e *env) fileOf(taskID, name string) *file {
	e.c.mu.Lock()
	defer e.c.mu.Unlock()
	return e.c.files[filepath.Join(e.dir, "default", taskID, name+".log")]
}

// A line whose end comes after a park is written whole.
func TestParkedFollowerJoinsASplitLine(t *testing.T) {
	clk := clock.NewFake(t0)
	stream := &chunkStream{}
	rt := chunkRuntime{Runtime: sim.New(clk, sim.Options{}), stream: stream}
	c := NewCollector(rt, filepath.Join(t.TempDir(), "logs"), clk)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- c.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-ran; err != nil {
			t.Error(err)
		}
	}()
	<-c.Ready()
	e := &env{t: t, clk: clk, rt: rt.Runtime, c: c, dir: c.Dir()}
	e.run("arn:aws:ecs:us-east-1:000000000000:task/default/"+taskID, "app", "", nil)
	for _, chunk := range []string{"hel", "lo\nwor", "ld\n", "tail"} {
		pollFor(t, "the follower to park", stream.parked)
		stream.push(chunk)
	}
	pollFor(t, "the follower to park", stream.parked)
	stream.end()
	want := []string{"hello", "world", "tail"}
	waitFor(t, c, "every line", func() bool { return len(e.texts("default", taskID, "app")) == len(want) })
	if got := e.texts("default", taskID, "app"); !slices.Equal(got, want) {
		t.Fatalf("lines = %q, want %q", got, want)
	}
}

// chunkRuntime is the simulated runtime whose follow streams are stream.
type chunkRuntime struct {
	*sim.Runtime
	stream *chunkStream
}

func (r chunkRuntime) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	return r.stream, nil
}

// chunkStream is a LogNotifier stream the test writes to in chunks.
type chunkStream struct {
	mu    sync.Mutex
	data  []byte
	ended bool
	wake  func()
}

var _ containers.LogNotifier = (*chunkStream)(nil)

func (s *chunkStream) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.data) == 0 {
		if s.ended {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("Read would block")
	}
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

func (s *chunkStream) Close() error { return nil }

func (s *chunkStream) Readable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data) > 0 || s.ended
}

func (s *chunkStream) WhenReadable(f func()) {
	s.mu.Lock()
	if len(s.data) > 0 || s.ended {
		s.mu.Unlock()
		f()
		return
	}
	s.wake = f
	s.mu.Unlock()
}

// parked says the follower has read everything and waits.
func (s *chunkStream) parked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wake != nil
}

func (s *chunkStream) push(chunk string) { s.update(func() { s.data = append(s.data, chunk...) }) }

func (s *chunkStream) end() { s.update(func() { s.ended = true }) }

func (s *chunkStream) update(change func()) {
	s.mu.Lock()
	change()
	f := s.wake
	s.wake = nil
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// pollFor waits for what no collector change announces (goroutines parking, a follower
// ending), looking every millisecond; 10 s of real time bound a broken test.
func pollFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-limit.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
