package servicectl

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/lb"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// LoadBalancerConfig configures the local load balancers ecsmini runs for the target
// groups of services' loadBalancers.
type LoadBalancerConfig struct {
	// Ports fixes the host port of target groups, by target group name or ARN; others
	// get a stable port derived from the ARN (30000-39999) or, if that is taken, any.
	Ports map[string]int
	// DeregistrationDelay is how long a deregistered target may keep its connections
	// (default 5 s; ELB's is 300 s, too long for a laptop).
	DeregistrationDelay time.Duration
	// Simulated makes targets healthy without connecting to them, for the simulated
	// runtime, whose tasks listen nowhere.
	Simulated bool
	Log       *slog.Logger
}

// loadBalancers owns one lb.Balancer per target group in use.
type loadBalancers struct {
	mu    sync.Mutex
	cfg   LoadBalancerConfig
	ctl   *Ctl
	byTG  map[string]*lb.Balancer
	users map[string]map[string]bool // target group → service keys
	bakes map[string]time.Time       // target group → when its strategy's bake ends
}

// setBakeEnds records when the bake of the deployment shifting tg ends (zero: none).
func (l *loadBalancers) setBakeEnds(tg string, end time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if end.IsZero() {
		delete(l.bakes, tg)
		return
	}
	if l.bakes == nil {
		l.bakes = map[string]time.Time{}
	}
	l.bakes[tg] = end
}

// LoadBalancer describes a running local load balancer (for `ecsmini ps`).
type LoadBalancer struct {
	TargetGroupArn string            `json:"targetGroupArn"`
	Address        string            `json:"address"`
	Services       []string          `json:"services"`
	Targets        []lb.TargetHealth `json:"targets"`
	// Requests counts the requests forwarded since the balancer started.
	Requests uint64 `json:"requests"`
	// Weights is the share of new connections per deployment while a deployment
	// strategy shifts traffic (nil: round robin).
	Weights map[string]float64 `json:"weights,omitempty"`
	// BakeEnds is when the bake of the deployment shifting this target group ends on
	// the emulator clock (a canary or linear step's bake, or the final one); zero when
	// none is under way.
	BakeEnds time.Time `json:"bakeEnds,omitzero"`
}

// SetLoadBalancers configures the local load balancers. Call it before serving.
func (ctl *Ctl) SetLoadBalancers(cfg LoadBalancerConfig) {
	ctl.lbs.mu.Lock()
	defer ctl.lbs.mu.Unlock()
	ctl.lbs.cfg = cfg
}

// LoadBalancers lists the running local load balancers.
func (ctl *Ctl) LoadBalancers() []LoadBalancer {
	l := &ctl.lbs
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]LoadBalancer, 0, len(l.byTG))
	for tg, b := range l.byTG {
		var svcs []string
		for k := range l.users[tg] {
			svcs = append(svcs, state.LastPart(k))
		}
		sort.Strings(svcs)
		out = append(out, LoadBalancer{TargetGroupArn: tg, Address: b.Addr(), Services: svcs, Targets: b.Targets(), Requests: b.Requests(), Weights: b.Weights(), BakeEnds: l.bakes[tg]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TargetGroupArn < out[j].TargetGroupArn })
	return out
}

// balancer returns the target group's balancer, starting it on first use.
func (l *loadBalancers) balancer(tg, serviceKey string) (*lb.Balancer, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byTG == nil {
		l.byTG, l.users = map[string]*lb.Balancer{}, map[string]map[string]bool{}
	}
	if l.users[tg] == nil {
		l.users[tg] = map[string]bool{}
	}
	l.users[tg][serviceKey] = true
	if b := l.byTG[tg]; b != nil {
		return b, nil
	}
	delay := l.cfg.DeregistrationDelay
	if delay <= 0 {
		delay = 5 * time.Second
	}
	log := l.cfg.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg := lb.Config{Name: tg, Clock: l.ctl.st.Clock, DeregistrationDelay: delay, Log: log,
		OnChange: func() { l.changed(tg) }}
	if l.cfg.Simulated {
		cfg.Dial = simulatedDial
	}
	var b *lb.Balancer
	var err error
	for _, addr := range l.addresses(tg) {
		cfg.Listen = addr
		if b, err = lb.New(cfg); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load balancer for %s: %w", tg, err)
	}
	l.byTG[tg] = b
	return b, nil
}

// addresses are where a target group's balancer may listen, best first.
func (l *loadBalancers) addresses(tg string) []string {
	if p, ok := l.cfg.Ports[tg]; ok {
		return []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(p))}
	}
	if p, ok := l.cfg.Ports[targetGroupName(tg)]; ok {
		return []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(p))}
	}
	h := fnv.New32a()
	h.Write([]byte(tg))
	base := 30000 + int(h.Sum32()%10000)
	return []string{net.JoinHostPort("127.0.0.1", strconv.Itoa(base)),
		net.JoinHostPort("127.0.0.1", strconv.Itoa(30000+(base+1)%10000)), "127.0.0.1:0"}
}

// targetGroupName is the name in an ELB target group ARN (…:targetgroup/NAME/ID).
func targetGroupName(arn string) string {
	_, rest, ok := strings.Cut(arn, "targetgroup/")
	if !ok {
		return arn
	}
	name, _, _ := strings.Cut(rest, "/")
	return name
}

// changed re-plans the services of a target group whose targets changed state.
func (l *loadBalancers) changed(tg string) {
	l.mu.Lock()
	keys := make([]string, 0, len(l.users[tg]))
	for k := range l.users[tg] {
		keys = append(keys, k)
	}
	l.mu.Unlock()
	for _, k := range keys {
		l.ctl.MarkDirty(k)
	}
}

// targetAddr is where the balancer reaches a task's container port: the host port the
// runtime published it on, on loopback (a simulated instance's own loopback address for
// its bridge-mode tasks).
func targetAddr(t *ecs.Task, container string, port int) string {
	for _, c := range t.Containers {
		if c.Name != container {
			continue
		}
		for _, nb := range c.NetworkBindings {
			if ecs.Deref(nb.ContainerPort) == port && ecs.Deref(nb.HostPort) > 0 {
				host := "127.0.0.1"
				if ip, err := netip.ParseAddr(nb.BindIP); err == nil && ip.IsLoopback() {
					host = nb.BindIP // a simulated instance's own loopback address
				}
				return net.JoinHostPort(host, strconv.Itoa(ecs.Deref(nb.HostPort)))
			}
		}
	}
	return ""
}

// unregistered says whether register would add a target of the task: a target group
// has no balancer yet, or does not know the task.
func (l *loadBalancers) unregistered(r *state.Service, t *ecs.Task) bool {
	for _, spec := range tgSpecs(r) {
		if targetAddr(t, spec.ContainerName, ecs.Deref(spec.ContainerPort)) == "" {
			continue
		}
		if b := l.get(spec.TargetGroupArn); b == nil || b.Health(t.TaskArn) == lb.StateUnused {
			return true
		}
	}
	return false
}

// register adds a RUNNING task to its service's target groups, starting a group's
// balancer on first use; it reports whether any target was new. It listens on ports:
// call it after the commit that decided it, never under the store lock.
func (l *loadBalancers) register(r *state.Service, t *ecs.Task) bool {
	added := false
	for _, spec := range tgSpecs(r) {
		addr := targetAddr(t, spec.ContainerName, ecs.Deref(spec.ContainerPort))
		if addr == "" {
			continue
		}
		b, err := l.balancer(spec.TargetGroupArn, serviceKeyOf(r))
		if err != nil {
			l.ctl.st.LogError("load balancer", err)
			continue
		}
		if b.Health(t.TaskArn) == lb.StateUnused {
			b.Register(t.TaskArn, addr)
			added = true
		}
		b.SetGroup(t.TaskArn, t.StartedBy) // its revision, for weighted routing (strategy.go)
	}
	return added
}

// deregister starts draining a task's targets.
func (l *loadBalancers) deregister(r *state.Service, t *ecs.Task) {
	for _, spec := range tgSpecs(r) {
		if b := l.get(spec.TargetGroupArn); b != nil {
			b.Deregister(t.TaskArn)
		}
	}
}

func (l *loadBalancers) get(tg string) *lb.Balancer {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byTG[tg]
}

// drained says every target of the task has finished draining.
func (l *loadBalancers) drained(r *state.Service, t *ecs.Task) bool {
	for _, spec := range tgSpecs(r) {
		if b := l.get(spec.TargetGroupArn); b != nil && !b.Drained(t.TaskArn) {
			return false
		}
	}
	return true
}

// health is the task's target health for the planner: unhealthy if any target group
// says so, healthy if all do, initial otherwise.
func (l *loadBalancers) health(r *state.Service, t *ecs.Task) string {
	worst := "healthy"
	for _, spec := range r.Service.LoadBalancers {
		st := lb.StateUnused
		if b := l.get(spec.TargetGroupArn); b != nil {
			st = b.Health(t.TaskArn)
		}
		switch st {
		case lb.StateHealthy:
		case lb.StateUnhealthy:
			return "unhealthy"
		default:
			worst = "initial"
		}
	}
	return worst
}

// release stops using the target groups of a service that is gone, and closes
// balancers nobody uses.
func (l *loadBalancers) release(serviceKey string) {
	l.mu.Lock()
	var closing []*lb.Balancer
	for tg, users := range l.users {
		delete(users, serviceKey)
		if len(users) == 0 && l.byTG[tg] != nil {
			closing = append(closing, l.byTG[tg])
			delete(l.byTG, tg)
			delete(l.users, tg)
		}
	}
	l.mu.Unlock()
	for _, b := range closing {
		if err := b.Close(); err != nil {
			l.ctl.st.LogError("close load balancer", err)
		}
	}
}

// closeAll stops every balancer (at shutdown).
func (l *loadBalancers) closeAll() {
	l.mu.Lock()
	bs := l.byTG
	l.byTG, l.users = nil, nil
	l.mu.Unlock()
	for _, b := range bs {
		if err := b.Close(); err != nil {
			l.ctl.st.LogError("close load balancer", err)
		}
	}
}

// simulatedDial stands in for the network under the simulated runtime: every target
// answers, with a connection that goes nowhere.
func simulatedDial(context.Context, string) (net.Conn, error) {
	a, b := net.Pipe()
	go func() { _ = b.Close() }() // the peer hangs up at once, like a health probe's target
	return a, nil
}

func serviceKeyOf(r *state.Service) string {
	a, _ := ecs.ParseARN(r.Service.ServiceArn)
	return state.ServiceKey(a.Region, r.ClusterName, r.Service.ServiceName)
}
