package logs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
)

// The labels the agent puts on task containers (emulator/agent/labels.go; the same keys
// as the real ECS agent's). They are repeated here so that this package needs nothing of
// the agent; a test keeps them equal.
const (
	labelTaskARN       = "com.amazonaws.ecs.task-arn"
	labelContainerName = "com.amazonaws.ecs.container-name"
)

// DefaultMaxFileBytes caps each log file; see the package doc.
const DefaultMaxFileBytes = 16 << 20

// maxLineBytes splits longer output lines (Docker splits at 16 KiB itself).
const maxLineBytes = 64 << 10

// readBufferBytes is a follower's read buffer once its container has said something;
// idleBufferBytes is what it starts with. Every running container has a follower for
// its whole life, mostly idle (a simulated one, always), so the buffer starts small,
// grows on the first burst that fills it, and longer lines are put together in
// readLine: with a maxLineBytes buffer, 4,500 running tasks held 280 MiB; with 4 KiB
// buffers 5,000 held 20 MiB.
const (
	readBufferBytes = 4 << 10
	idleBufferBytes = 256
)

// resubscribeDelay is how long Run waits before subscribing again after the runtime's
// event stream failed.
const resubscribeDelay = time.Second

// Collector keeps task containers' output on disk. Set the exported fields before Run.
type Collector struct {
	rt    containers.Runtime
	dir   string
	clock clock.Clock

	// MaxFileBytes caps each file before it is rotated (DefaultMaxFileBytes when <= 0).
	MaxFileBytes int64
	// Logger receives errors (event stream failures, unwritable files); nil discards.
	Logger *slog.Logger
	// Sink, when set before Run, also receives every line as it is written, with the
	// container's labels and runtime ID (so it can route lines, as ecsmini's awslogs
	// routing to CloudWatch Logs does). It must not keep the lines slice.
	Sink Sink
	// Drain is how long, on the collector's clock, containers' streams may still be
	// copied after Run's context ends, so the output of tasks stopping during a shutdown
	// is kept (each copier still ends as soon as its container exits). Followers end
	// when the context ends regardless. Zero stops copying at once.
	Drain time.Duration
	// Only, when set, limits the collector to containers carrying all these labels (an
	// ecsmini's state directory): two ecsminis, or an ecsmini and an `ecsmini agent`,
	// sharing one engine then each keep, and route to CloudWatch Logs, only the output
	// of their own tasks.
	Only map[string]string

	mu    sync.Mutex
	files map[string]*file    // by path, created on first use
	ctrs  map[string]*tracked // by runtime container ID, from create to destroy
	done  chan struct{}       // closed when Run returns: no more lines will be written
	// stopping is closed when Run's context ends: followers stop.
	stopping chan struct{}
	ready    chan struct{} // closed once Run has subscribed to events (tests)
	once     sync.Once
	// activity is closed and replaced at every change a reader could wait for (see
	// Changed); actMu guards it and is taken last, under any other lock.
	actMu    sync.Mutex
	activity chan struct{}
}

// Sink receives the lines the collector copies; see Collector.Sink.
type Sink interface {
	Lines(labels map[string]string, containerID string, lines []string)
}

// tracked is a task container the collector saw being created or started.
type tracked struct {
	file    *file
	labels  map[string]string // of the latest create or start event
	pending bool              // created, not started yet: holds file.live
	copied  int               // lines of this container ID already written
	last    chan struct{}     // closed when the latest copier ends
}

// file is one container's log file and what readers need to follow it.
type file struct {
	path string
	mu   sync.Mutex
	size int64 // -1 until known
	gen  int   // incremented on each rotation
	// live counts what may still write: copiers running or queued, and containers
	// created but not started. Followers stop at the end of the file once it is zero.
	live    int
	changed chan struct{} // closed and replaced on every write or live change
	// onChange tells the collector (Collector.Changed) of every write or live change.
	onChange func()
}

// NewCollector returns a collector that keeps logs under dir, timestamped by clk.
func NewCollector(rt containers.Runtime, dir string, clk clock.Clock) *Collector {
	return &Collector{
		rt: rt, dir: dir, clock: clk,
		files:    map[string]*file{},
		ctrs:     map[string]*tracked{},
		done:     make(chan struct{}),
		stopping: make(chan struct{}),
		ready:    make(chan struct{}),
		activity: make(chan struct{}),
	}
}

// Changed returns a channel closed at the collector's next change: a log file created
// or written, a copier started or ended, lines handed to the Sink. A caller (a test)
// takes it, looks, and waits on it when what it looks for is not there yet, instead
// of polling.
func (c *Collector) Changed() <-chan struct{} {
	c.actMu.Lock()
	defer c.actMu.Unlock()
	return c.activity
}

// changed closes the channel Changed handed out.
func (c *Collector) changed() {
	c.actMu.Lock()
	close(c.activity)
	c.activity = make(chan struct{})
	c.actMu.Unlock()
}

// Ready is closed once Run has subscribed to the runtime's events: containers that
// start from then on are collected.
func (c *Collector) Ready() <-chan struct{} { return c.ready }

// Done is closed once Run has returned: every copier has finished writing.
func (c *Collector) Done() <-chan struct{} { return c.done }

// Dir is the directory the collector keeps logs in.
func (c *Collector) Dir() string { return c.dir }

// Run collects until ctx ends, lets copiers finish for up to Drain, waits for its
// goroutines and returns nil. A failed event stream is logged and subscribed to again
// after a second of the collector's clock (events in between are missed). Run may be
// called once.
func (c *Collector) Run(ctx context.Context) error {
	if err := os.MkdirAll(c.dir, 0o700); err != nil {
		close(c.stopping)
		close(c.done)
		return fmt.Errorf("logs: %w", err)
	}
	// Copiers run on their own context, which outlives ctx by Drain.
	copyCtx, stopCopying := context.WithCancel(context.WithoutCancel(ctx))
	defer stopCopying()
	var wg sync.WaitGroup
	defer func() {
		close(c.stopping)
		if c.Drain > 0 {
			t := c.clock.AfterFunc(c.Drain, stopCopying)
			defer t.Stop()
		} else {
			stopCopying()
		}
		wg.Wait()
		close(c.done)
	}()
	for {
		events, errc := c.rt.Events(ctx)
		c.once.Do(func() { close(c.ready) })
		for e := range events {
			c.handle(copyCtx, e, &wg)
		}
		err := <-errc
		if ctx.Err() != nil {
			return nil
		}
		c.logError("container event stream ended; subscribing again", err)
		wait := make(chan struct{})
		t := c.clock.AfterFunc(resubscribeDelay, func() { close(wait) })
		select {
		case <-wait:
		case <-ctx.Done():
			t.Stop()
			return nil
		}
	}
}

func (c *Collector) logError(msg string, err error) {
	if c.Logger != nil {
		c.Logger.Error("logs: "+msg, "err", err)
	}
}

// handle tracks one container event.
func (c *Collector) handle(ctx context.Context, e containers.Event, wg *sync.WaitGroup) {
	switch e.Kind {
	case containers.EventCreate, containers.EventStart:
	case containers.EventDie, containers.EventDestroy:
		c.mu.Lock()
		defer c.mu.Unlock()
		t := c.ctrs[e.ID]
		if t == nil {
			return
		}
		if t.pending { // never started: nothing will write for it
			t.pending = false
			t.file.addLive(-1)
		}
		if e.Kind == containers.EventDestroy {
			delete(c.ctrs, e.ID)
		}
		return
	default:
		return
	}
	path, ok := c.pathFor(e.Labels)
	if !ok || !c.wanted(e.Labels) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.ctrs[e.ID]
	if t == nil {
		f, err := c.fileLocked(path, true)
		if err != nil {
			c.logError("creating "+path, err)
			return
		}
		t = &tracked{file: f}
		c.ctrs[e.ID] = t
	}
	t.labels = e.Labels
	if e.Kind == containers.EventCreate {
		if !t.pending {
			t.pending = true
			t.file.addLive(1)
		}
		return
	}
	// Start: a copier holds the file live from now until it ends; it takes over the hold
	// of the create event.
	if t.pending {
		t.pending = false
	} else {
		t.file.addLive(1)
	}
	prev, done := t.last, make(chan struct{})
	t.last = done
	wg.Add(1)
	finish := func() {
		t.file.addLive(-1)
		close(done)
		wg.Done()
	}
	go func() {
		if prev != nil { // a restart: let the previous run's copier finish first
			select {
			case <-prev:
			case <-ctx.Done():
				finish()
				return
			}
		}
		cp := c.follow(ctx, e.ID, t)
		if cp == nil {
			finish()
			return
		}
		cp.finish = finish
		cp.run()
	}()
}

// wanted says whether a container's labels include every label of Only.
func (c *Collector) wanted(labels map[string]string) bool {
	for k, v := range c.Only {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// pathFor is the log file of a task container, from its labels.
func (c *Collector) pathFor(labels map[string]string) (string, bool) {
	cluster, id, ok := parseTaskARN(labels[labelTaskARN])
	name := labels[labelContainerName]
	if !ok || !safeName(name) {
		return "", false
	}
	return filepath.Join(c.dir, cluster, id, name+".log"), true
}

// fileLocked returns the file state of path; c.mu is held. With create, the task
// directory and an empty file are created if absent.
func (c *Collector) fileLocked(path string, create bool) (*file, error) {
	f := c.files[path]
	if f == nil {
		f = &file{path: path, size: -1, changed: make(chan struct{}), onChange: c.changed}
	}
	if create {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return nil, err
		}
		fh.Close()
	}
	c.files[path] = f
	c.changed()
	return f, nil
}

// errWouldBlock is what a LogNotifier's stream reads when Read would block.
var errWouldBlock = errors.New("logs: nothing to read yet")

// copier copies one run of a container's output to its file.
type copier struct {
	c  *Collector
	id string
	t  *tracked
	rc io.ReadCloser
	// src is what br reads: rc, or for a LogNotifier a reader that says errWouldBlock
	// instead of blocking, so that the copier can let its goroutine go while it waits.
	src    io.Reader
	nb     containers.LogNotifier
	br     *bufio.Reader // nil while parked
	batch  []string
	skip   int    // lines a previous copier of this container ID wrote already
	carry  []byte // an unterminated line read before a park
	ctx    context.Context
	finish func() // called once the copier has ended
}

// follow opens the container's output; nil when there is none to copy.
func (c *Collector) follow(ctx context.Context, id string, t *tracked) *copier {
	rc, err := c.rt.Logs(ctx, id, true)
	if err != nil {
		if !errors.Is(err, containers.ErrNotFound) && ctx.Err() == nil {
			c.logError("following container "+id, err)
		}
		return nil
	}
	c.mu.Lock()
	skip := t.copied
	c.mu.Unlock()
	cp := &copier{c: c, id: id, t: t, rc: rc, src: rc, skip: skip, ctx: ctx}
	if nb, ok := rc.(containers.LogNotifier); ok {
		cp.nb = nb
		cp.src = nonBlocking{rc, nb}
	}
	return cp
}

// nonBlocking reads a LogNotifier's stream, errWouldBlock where it would block.
type nonBlocking struct {
	r  io.Reader
	nb containers.LogNotifier
}

func (n nonBlocking) Read(p []byte) (int, error) {
	if !n.nb.Readable() {
		return 0, errWouldBlock
	}
	return n.r.Read(p)
}

// run copies until the stream ends, then finishes; a LogNotifier's copier instead
// parks, without a goroutine, when it has read all there is for now, and runs again
// on a new goroutine once there is more.
func (cp *copier) run() {
	if !cp.pump() {
		cp.nb.WhenReadable(func() { go cp.run() })
		return
	}
	cp.rc.Close()
	cp.finish()
}

// pump appends the lines not yet written, until the stream ends (true) or would block
// (false, a LogNotifier's only).
func (cp *copier) pump() bool {
	c, t := cp.c, cp.t
	if cp.br == nil {
		cp.br = bufio.NewReaderSize(cp.src, idleBufferBytes)
	}
	for {
		br := cp.br
		line, err := readLine(br, maxLineBytes)
		parked := errors.Is(err, errWouldBlock)
		if parked && line != nil {
			// The start of a line whose end is not printed yet (split if too long).
			cp.carry, line = append(cp.carry, line...), nil
			if len(cp.carry) >= maxLineBytes {
				line, cp.carry = cp.carry, nil
			}
		} else if cp.carry != nil && (line != nil || !parked) {
			line, cp.carry = append(cp.carry, line...), nil
		}
		if line != nil {
			if cp.skip > 0 {
				cp.skip--
			} else {
				cp.batch = append(cp.batch, string(line))
			}
		}
		if err == nil && br.Size() < readBufferBytes && (len(line) >= idleBufferBytes/2 || br.Buffered() >= idleBufferBytes/2) {
			// A chatty container: read through a larger buffer from now on (what the
			// small one holds is read through the large one first).
			cp.br = bufio.NewReaderSize(br, readBufferBytes)
		}
		// Write what is buffered at once: one open and one wake-up per burst.
		if len(cp.batch) > 0 && (err != nil || cp.br.Buffered() == 0) {
			if werr := t.file.append(c.clock.Now(), cp.batch, c.maxBytes()); werr != nil {
				c.logError("writing "+t.file.path, werr)
			}
			c.mu.Lock()
			t.copied += len(cp.batch)
			labels := t.labels
			c.mu.Unlock()
			if c.Sink != nil {
				c.Sink.Lines(labels, cp.id, cp.batch)
				c.changed()
			}
			cp.batch = cp.batch[:0]
		}
		if parked {
			// Nothing is buffered (the reader hands out what it has with the error):
			// give the buffers up while waiting.
			cp.br, cp.batch = nil, nil
			return false
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && cp.ctx.Err() == nil {
				c.logError("reading container "+cp.id, err)
			}
			return true
		}
	}
}

// readLine returns the next line without its newline, splitting lines longer than max
// (each part then holds at least max bytes); at the end it returns a final unterminated
// line, if any, with the reader's error. The line is valid until the next read.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var long []byte // a line longer than the reader's buffer, put together
	for {
		part, err := br.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if err == nil {
			part = part[:len(part)-1]
		}
		if long == nil && !full {
			if len(part) == 0 && err != nil {
				return nil, err
			}
			return part, err
		}
		long = append(long, part...)
		if !full {
			return long, err
		}
		if len(long) >= max {
			return long, nil
		}
	}
}

func (c *Collector) maxBytes() int64 {
	if c.MaxFileBytes > 0 {
		return c.MaxFileBytes
	}
	return DefaultMaxFileBytes
}

// append writes lines stamped with at, rotating the file when it would exceed max.
func (f *file) append(at time.Time, lines []string, max int64) error {
	stamp := at.UTC().Format(time.RFC3339Nano) + "\t"
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.wake()
	if f.size < 0 {
		f.size = 0
		if st, err := os.Stat(f.path); err == nil {
			f.size = st.Size()
		}
	}
	fh, err := os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(fh)
	for _, l := range lines {
		n := int64(len(stamp) + len(l) + 1)
		if f.size > 0 && f.size+n > max {
			if err := w.Flush(); err != nil {
				fh.Close()
				return err
			}
			fh.Close()
			if err := os.Rename(f.path, f.path+".1"); err != nil {
				return err
			}
			f.gen++
			f.size = 0
			if fh, err = os.OpenFile(f.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err != nil {
				return err
			}
			w.Reset(fh)
		}
		w.WriteString(stamp)
		w.WriteString(l)
		w.WriteByte('\n')
		f.size += n
	}
	err = w.Flush()
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	return err
}

// addLive changes the live count and wakes followers.
func (f *file) addLive(d int) {
	f.mu.Lock()
	f.live += d
	f.wake()
	f.mu.Unlock()
}

// wake tells followers something changed; f.mu is held.
func (f *file) wake() {
	close(f.changed)
	f.changed = make(chan struct{})
	if f.onChange != nil {
		f.onChange()
	}
}

// parseTaskARN splits arn:aws:ecs:REGION:ACCOUNT:task/CLUSTER/ID into cluster and ID.
// A short ARN without a cluster (task/ID) is filed under cluster "default".
func parseTaskARN(arn string) (cluster, id string, ok bool) {
	_, res, found := strings.Cut(arn, ":task/")
	if !found || !strings.HasPrefix(arn, "arn:") {
		return "", "", false
	}
	parts := strings.Split(res, "/")
	switch len(parts) {
	case 1:
		cluster, id = "default", parts[0]
	case 2:
		cluster, id = parts[0], parts[1]
	default:
		return "", "", false
	}
	if !safeName(cluster) || !safeName(id) {
		return "", "", false
	}
	return cluster, id, true
}

// safeName reports whether s can be a file name on its own: letters, digits, '-', '_'
// and '.', and not "." or "..". ECS cluster and container names and task IDs always are.
func safeName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 255 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
