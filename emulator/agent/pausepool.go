package agent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// LabelPausePool marks a pause container the agent started ahead of need (its value
// is "true"). It carries no task labels: a task takes it later, and Docker labels
// cannot change. The app containers of the task that took it name it in LabelPauseID.
const LabelPausePool = "ecsmini.pause-pool"

// LabelPauseID, on the containers of an awsvpc task, is the runtime ID of the task's
// pause container, so that a later ecsmini adopting the task finds a pooled one (which
// has no task labels).
const LabelPauseID = "ecsmini.pause-id"

// maxPoolShapes bounds how many task network shapes are kept warm at once; the least
// recently used shape's containers go when another needs room.
const maxPoolShapes = 8

// pausePool keeps, for each task network shape (cluster network, pause command and
// published ports), a few pause containers created and started ahead of need. Starting
// a pause container is the slowest step of an awsvpc task on Docker (the namespace, the
// veth pair, the bridge, the embedded DNS): a task that takes a warm one starts in
// about the time of `docker run -d`. Each container serves one task only and goes with
// it: every task still has its own namespace and address. A shape is kept warm once a
// task has used it, and refilled in the background after each take.
type pausePool struct {
	size int // containers kept per shape; 0 disables the pool

	mu      sync.Mutex
	closed  bool
	idle    map[string][]string // shape key → IDs of started pause containers
	filling map[string]int      // shape key → fills under way
	used    []string            // shape keys, least recently used first
	taken   map[string]string   // pooled container ID → ARN of the task that took it
	fills   sync.WaitGroup
}

// shapeKey is what makes two pause containers interchangeable: everything in their spec
// but the name and labels, which are the task's.
func shapeKey(spec containers.Spec) string {
	var b strings.Builder
	b.WriteString(spec.NetworkMode)
	b.WriteByte(0)
	b.WriteString(spec.Image)
	for _, c := range spec.Cmd {
		b.WriteByte(0)
		b.WriteString(c)
	}
	for _, p := range spec.Ports {
		fmt.Fprintf(&b, "\x00%s/%d/%s/%d", p.HostIP, p.ContainerPort, p.Protocol, p.HostPort)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:8])
}

// poolSpec is the spec of a pooled pause container of the task spec's shape: a name
// of its own and the labels that let ecsmini (and `ecsmini down`) find and remove it.
func (a *Agent) poolSpec(task containers.Spec, clusterLabels map[string]string) containers.Spec {
	spec := task
	spec.Name = "ecsmini-pause-" + randomSuffix()
	spec.Labels = map[string]string{LabelPausePool: ManagedValue, LabelManaged: ManagedValue}
	for _, k := range []string{LabelCluster, LabelClusterARN} {
		if v := clusterLabels[k]; v != "" {
			spec.Labels[k] = v
		}
	}
	if a.cfg.StateDir != "" {
		spec.Labels[LabelStateDir] = a.cfg.StateDir
	}
	return spec
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}

// takePause hands the task a running pause container of spec's shape, with its state
// as inspected now; ok is false when none is warm. A pooled container that is not
// running any more is removed and the next one tried.
func (a *Agent) takePause(ctx context.Context, arn string, spec containers.Spec) (containers.State, bool) {
	p := &a.pool
	if p.size == 0 {
		return containers.State{}, false
	}
	key := shapeKey(spec)
	for {
		p.mu.Lock()
		ids := p.idle[key]
		if p.closed || len(ids) == 0 {
			p.mu.Unlock()
			return containers.State{}, false
		}
		id := ids[0]
		p.idle[key] = ids[1:]
		p.taken[id] = arn
		p.touch(key)
		p.mu.Unlock()
		st, err := a.cfg.Runtime.Inspect(ctx, id)
		if err == nil && st.Status == containers.Running {
			return st, true
		}
		a.releasePause(id)
		if err == nil || isGone(err) {
			if err := a.cfg.Runtime.Remove(ctx, id); err != nil {
				a.cfg.Log.Error("remove a dead pooled pause container", "container", id, "err", err)
			}
			continue
		}
		a.cfg.Log.Error("inspect a pooled pause container", "container", id, "err", err)
		return containers.State{}, false
	}
}

// releasePause forgets that a task took the pooled container id (it is being removed).
func (a *Agent) releasePause(id string) {
	a.pool.mu.Lock()
	delete(a.pool.taken, id)
	a.pool.mu.Unlock()
}

// touch marks key as just used. Callers hold mu.
func (p *pausePool) touch(key string) {
	p.used = slices.DeleteFunc(p.used, func(k string) bool { return k == key })
	p.used = append(p.used, key)
}

// refillPause starts, in the background, pause containers of spec's shape until the
// pool holds its size of them. spec is a task's pause spec; clusterLabels name the
// cluster. A shape beyond maxPoolShapes evicts the least recently used one.
func (a *Agent) refillPause(ctx context.Context, spec containers.Spec, clusterLabels map[string]string) {
	p := &a.pool
	if p.size == 0 {
		return
	}
	key := shapeKey(spec)
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.touch(key)
	var evicted []string
	for len(p.used) > maxPoolShapes {
		old := p.used[0]
		p.used = p.used[1:]
		evicted = append(evicted, p.idle[old]...)
		delete(p.idle, old)
	}
	n := p.size - len(p.idle[key]) - p.filling[key]
	p.filling[key] += max(n, 0)
	p.fills.Add(max(n, 0) + len(evicted))
	p.mu.Unlock()
	for _, id := range evicted {
		a.cfg.Activity.Add(1)
		go func() {
			defer p.fills.Done()
			defer a.cfg.Activity.Done()
			if err := a.cfg.Runtime.Remove(ctx, id); err != nil {
				a.cfg.Log.Error("remove an evicted pooled pause container", "container", id, "err", err)
			}
		}()
	}
	for range max(n, 0) {
		a.cfg.Activity.Add(1)
		go func() {
			defer p.fills.Done()
			defer a.cfg.Activity.Done()
			id, err := a.startPooled(ctx, a.poolSpec(spec, clusterLabels))
			p.mu.Lock()
			p.filling[key]--
			keep := err == nil && !p.closed && slices.Contains(p.used, key)
			if keep {
				p.idle[key] = append(p.idle[key], id)
			}
			p.mu.Unlock()
			switch {
			case err != nil:
				if ctx.Err() == nil {
					a.cfg.Log.Error("warming a pause container", "err", err)
				}
			case !keep:
				if err := a.cfg.Runtime.Remove(context.WithoutCancel(ctx), id); err != nil {
					a.cfg.Log.Error("remove a pooled pause container", "container", id, "err", err)
				}
			}
		}()
	}
}

// startPooled creates and starts one pooled pause container; one that cannot start is
// removed again.
func (a *Agent) startPooled(ctx context.Context, spec containers.Spec) (string, error) {
	rt := a.cfg.Runtime
	id, err := rt.Create(ctx, spec)
	if err != nil {
		return "", err
	}
	if err := rt.Start(ctx, id); err != nil {
		if rerr := rt.Remove(context.WithoutCancel(ctx), id); rerr != nil {
			a.cfg.Log.Error("remove a pooled pause container that did not start", "container", id, "err", rerr)
		}
		return "", err
	}
	return id, nil
}

// poolEvent handles a runtime event of a pooled pause container: an idle one that died
// or was removed leaves the pool (and the engine); one a task took wakes that task.
func (a *Agent) poolEvent(ev containers.Event) {
	p := &a.pool
	p.mu.Lock()
	if arn := p.taken[ev.ID]; arn != "" {
		p.mu.Unlock()
		a.Nudge(arn)
		return
	}
	if ev.Kind != containers.EventDie && ev.Kind != containers.EventDestroy {
		p.mu.Unlock()
		return
	}
	found := false
	for key, ids := range p.idle {
		if i := slices.Index(ids, ev.ID); i >= 0 {
			p.idle[key] = slices.Delete(ids, i, i+1)
			found = true
		}
	}
	p.mu.Unlock()
	if found && ev.Kind == containers.EventDie {
		a.cfg.Activity.Add(1)
		go func() {
			defer a.cfg.Activity.Done()
			if err := a.cfg.Runtime.Remove(a.ctx, ev.ID); err != nil {
				a.cfg.Log.Error("remove a dead pooled pause container", "container", ev.ID, "err", err)
			}
		}()
	}
}

// drainPool stops warming pause containers, waits for the fills under way and removes
// every idle pooled container.
func (a *Agent) drainPool(ctx context.Context) error {
	p := &a.pool
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.fills.Wait()
	p.mu.Lock()
	var ids []string
	for _, l := range p.idle {
		ids = append(ids, l...)
	}
	p.idle = map[string][]string{}
	p.mu.Unlock()
	for _, id := range ids {
		if err := a.cfg.Runtime.Remove(ctx, id); err != nil {
			return fmt.Errorf("removing pooled pause container %s: %w", id, err)
		}
	}
	return nil
}

// PooledPauses reports how many warm pause containers the agent holds, for tests and
// benchmarks that wait for the pool to be refilled.
func (a *Agent) PooledPauses() int {
	a.pool.mu.Lock()
	defer a.pool.mu.Unlock()
	n := 0
	for _, ids := range a.pool.idle {
		n += len(ids)
	}
	return n
}
