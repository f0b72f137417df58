package sim

import (
	"context"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Inspect reports a container by ID or name.
func (r *Runtime) Inspect(ctx context.Context, id string) (containers.State, error) {
	if err := ctx.Err(); err != nil {
		return containers.State{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return containers.State{}, err
	}
	return c.state(), nil
}

// state copies c for a caller; r.mu is held.
func (c *container) state() containers.State {
	return containers.State{
		ID:          c.id,
		Name:        c.spec.Name,
		Image:       c.spec.Image,
		ImageID:     c.imageID,
		Labels:      maps.Clone(c.spec.Labels),
		Status:      c.status,
		ExitCode:    c.exitCode,
		OOMKilled:   c.oomKilled,
		Health:      c.health,
		CreatedAt:   c.createdAt,
		StartedAt:   c.startedAt,
		FinishedAt:  c.finishedAt,
		Ports:       slices.Clone(c.ports),
		IPAddresses: maps.Clone(c.ips),
	}
}

// List reports the containers carrying every given label, oldest first.
func (r *Runtime) List(ctx context.Context, labels map[string]string) ([]containers.State, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []containers.State
	for _, c := range r.byID {
		if hasLabels(c.spec.Labels, labels) {
			out = append(out, c.state())
		}
	}
	slices.SortFunc(out, func(a, b containers.State) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// Logs returns the lines the container printed. Following a running container keeps
// the reader open, without a goroutine, until it exits, is removed, ctx ends or the
// reader is closed. The reader is a containers.LogNotifier.
func (r *Runtime) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	r.mu.Lock()
	c, err := r.lookup(id)
	if err != nil {
		r.mu.Unlock()
		return nil, err
	}
	var text strings.Builder
	for _, line := range c.logs {
		text.WriteString(line)
		text.WriteByte('\n')
	}
	running := c.status == containers.Running
	exited, gone := c.exited, c.gone
	r.mu.Unlock()
	lr := &logReader{r: r, c: c, text: strings.NewReader(text.String()), closed: make(chan struct{})}
	if follow && running {
		lr.ctx, lr.exited, lr.gone = ctx, exited, gone
	}
	return lr, nil
}

// logReader serves the text, then, when following, blocks until the stream ends.
type logReader struct {
	r         *Runtime
	c         *container
	text      *strings.Reader
	ctx       context.Context // nil when not following
	exited    <-chan struct{}
	gone      <-chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
	onClose   func() // WhenReadable's, guarded by r.mu
}

var _ containers.LogNotifier = (*logReader)(nil)

func (l *logReader) Read(p []byte) (int, error) {
	if n, err := l.text.Read(p); n > 0 || err != io.EOF {
		return n, err
	}
	if l.ctx == nil {
		return 0, io.EOF
	}
	select {
	case <-l.exited:
	case <-l.gone:
	case <-l.ctx.Done():
	case <-l.closed:
	}
	return 0, io.EOF
}

// Readable reports whether Read would return at once.
func (l *logReader) Readable() bool {
	return l.text.Len() > 0 || l.ctx == nil || closed(l.closed) || l.ctx.Err() != nil ||
		closed(l.exited) || closed(l.gone)
}

// WhenReadable calls f once Read would return at once: when the container exits (a
// removal exits it first), ctx ends or the reader is closed.
func (l *logReader) WhenReadable(f func()) {
	l.r.mu.Lock()
	// The container's run ends under r.mu: looking under it too, no exit is missed.
	if l.Readable() {
		l.r.mu.Unlock()
		f()
		return
	}
	var once sync.Once
	var stopMu sync.Mutex // stop is set after AfterFunc returns, which may have fired already
	var stop func() bool
	fire := func() {
		once.Do(func() {
			stopMu.Lock()
			s := stop
			stopMu.Unlock()
			if s != nil {
				s()
			}
			f()
		})
	}
	stopMu.Lock()
	stop = context.AfterFunc(l.ctx, fire)
	stopMu.Unlock()
	l.c.onExit = append(l.c.onExit, fire)
	l.onClose = fire
	l.r.mu.Unlock()
}

func (l *logReader) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	l.r.mu.Lock()
	f := l.onClose
	l.onClose = nil
	l.r.mu.Unlock()
	if f != nil {
		f()
	}
	return nil
}

// Stats samples usage as a deterministic function of the clock (see the package doc).
func (r *Runtime) Stats(ctx context.Context, id string) (containers.Stats, error) {
	if err := ctx.Err(); err != nil {
		return containers.Stats{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c, err := r.lookup(id)
	if err != nil {
		return containers.Stats{}, err
	}
	now := r.clock.Now()
	limit := c.spec.MemoryLimit
	if limit <= 0 {
		limit = r.opts.HostMemory
	}
	s := containers.Stats{
		Read:           now,
		SystemCPUNanos: uint64(max(now.Sub(r.epoch), 0)) * uint64(r.opts.CPUs),
		OnlineCPUs:     r.opts.CPUs,
		MemoryLimit:    uint64(limit),
	}
	var ran time.Duration
	switch c.status {
	case containers.Running:
		ran = now.Sub(c.startedAt)
		s.MemoryUsage = uint64(min(4<<20+int64(c.beh.allocateMiB)<<20, limit))
		s.PIDs = 1
	case containers.Exited:
		ran = c.finishedAt.Sub(c.startedAt)
	}
	ran = max(ran, 0)
	s.CPUTotalNanos = uint64(float64(ran)*c.beh.cpuPercent/100) + uint64(min(ran, c.beh.burnFor))
	s.NetworkRxBytes = uint64(ran / time.Millisecond)
	s.NetworkTxBytes = uint64(ran / (2 * time.Millisecond))
	return s, nil
}
