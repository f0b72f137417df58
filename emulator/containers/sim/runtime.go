package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
)

// ErrBehaviour is a bad ecsmini.sim/* label or `ecsmini workload` flag value, from Create.
var ErrBehaviour = errors.New("invalid simulated behaviour")

// OOMDelay is how long after start a container that allocates more than its memory limit
// is OOM-killed: the time a real process takes to touch that memory.
const OOMDelay = 100 * time.Millisecond

// Options configure a Runtime; the zero value is ready to use.
type Options struct {
	// MissingImages are image references that are neither present nor pullable.
	MissingImages []string
	// IsMissing, when set, also decides whether an image is missing.
	IsMissing func(ref string) bool
	// CPUs is the host's CPU count reported by Stats (default 2); HostMemory the memory
	// limit reported for a container without one (default 8 GiB).
	CPUs       int
	HostMemory int64
	// EventBuffer is how many events a subscriber may fall behind before its stream
	// fails (default 65536).
	EventBuffer int
	// Activity, when set, counts the runtime's work for a Settle: each event of a
	// TrackedEvents stream holds a token until its consumer calls Handled, and a caller
	// parked on the clock (a start delay, a stop's grace period) gives its token up while
	// it waits. Share it with the agent (agent.Config.Activity).
	Activity *clock.Activity
}

// Runtime is the simulated engine. One mutex guards all state: every operation is a few
// map lookups, so contention is not worth finer locks, and timers, stops and removals
// stay trivially consistent.
type Runtime struct {
	clock clock.Clock
	opts  Options
	epoch time.Time // for the host CPU counter of Stats

	mu       sync.Mutex
	seq      uint64
	byID     map[string]*container
	byName   map[string]*container
	networks map[string]*network
	volumes  map[string]*volume
	ports    portPool
	subs     map[*subscriber]struct{}
}

var _ containers.Runtime = (*Runtime)(nil)

// New returns an empty simulated engine on clk, with the predefined networks bridge,
// host and none.
func New(clk clock.Clock, opts Options) *Runtime {
	if opts.CPUs <= 0 {
		opts.CPUs = 2
	}
	if opts.HostMemory <= 0 {
		opts.HostMemory = 8 << 30
	}
	if opts.EventBuffer <= 0 {
		opts.EventBuffer = 1 << 16
	}
	r := &Runtime{
		clock:    clk,
		opts:     opts,
		epoch:    clk.Now(),
		byID:     map[string]*container{},
		byName:   map[string]*container{},
		networks: map[string]*network{},
		volumes:  map[string]*volume{},
		ports:    newPortPool(),
		subs:     map[*subscriber]struct{}{},
	}
	r.addBuiltinNetworks()
	return r
}

// Name is "sim".
func (r *Runtime) Name() string { return "sim" }

// EnsureImage reports the image as present unless it is missing (see the package doc).
func (r *Runtime) EnsureImage(ctx context.Context, image string) (containers.Image, error) {
	if err := ctx.Err(); err != nil {
		return containers.Image{}, err
	}
	if r.missing(image) {
		return containers.Image{}, fmt.Errorf("sim: pull %s: %w", image, containers.ErrImageNotFound)
	}
	return containers.Image{Ref: image, ID: imageID(image), Digest: hashID("digest", normalizeRef(image))}, nil
}

func (r *Runtime) missing(ref string) bool {
	if r.opts.IsMissing != nil && r.opts.IsMissing(ref) {
		return true
	}
	if slices.Contains(r.opts.MissingImages, ref) {
		return true
	}
	lower := strings.ToLower(ref)
	if strings.Contains(lower, "missing") {
		return true
	}
	host, _, found := strings.Cut(lower, "/")
	return found && (strings.HasSuffix(host, ".invalid") || strings.Contains(host, ".invalid:"))
}

// normalizeRef makes "nginx" and "nginx:latest" the same image.
func normalizeRef(ref string) string {
	if strings.Contains(ref, "@") {
		return ref
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if !strings.Contains(last, ":") {
		return ref + ":latest"
	}
	return ref
}

func imageID(ref string) string { return hashID("image", normalizeRef(ref)) }

// hashID is a deterministic Docker-style "sha256:<hex>" identifier.
func hashID(kind, key string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// newID is a 64-hex-digit container or network ID, unique within the runtime and
// deterministic for a given sequence of calls.
func (r *Runtime) newID(kind, name string) string {
	r.seq++
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%s", kind, r.seq, name))
	return hex.EncodeToString(sum[:])
}

// lookup finds a container by ID or name; callers hold r.mu.
func (r *Runtime) lookup(ref string) (*container, error) {
	if c, ok := r.byID[ref]; ok {
		return c, nil
	}
	if c, ok := r.byName[strings.TrimPrefix(ref, "/")]; ok {
		return c, nil
	}
	return nil, fmt.Errorf("sim: no such container %q: %w", ref, containers.ErrNotFound)
}
