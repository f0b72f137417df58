package lb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// Defaults for the zero values of Config. ELB's deregistration delay is 300s and its
// health interval 30s; a laptop wants a rolling deployment to finish in seconds.
const (
	DefaultDeregistrationDelay = 5 * time.Second
	DefaultHealthInterval      = 2 * time.Second
	DefaultHealthyThreshold    = 2
	DefaultUnhealthyThreshold  = 2
)

const (
	// maxCheckTimeout caps a health check's connect timeout (which is at most the interval).
	maxCheckTimeout = time.Second
	// connectTimeout bounds connecting a client to a target. It is not tied to the
	// health interval: a busy machine must not turn a slow accept into a failed request.
	connectTimeout = 2 * time.Second
	// closeGrace is how long, after the deregistration delay, a connection in the middle
	// of an exchange may take to reach a quiet point before it is cut.
	closeGrace = time.Second
)

// Config describes one load balancer (one target group). Zero durations and thresholds
// take the defaults above.
type Config struct {
	Name   string      // target group ARN or name, for logs
	Listen string      // address to listen on; "" means "127.0.0.1:0" (any free port)
	Clock  clock.Clock // required: health intervals and deregistration delays run on it

	DeregistrationDelay time.Duration // how long draining connections may continue
	HealthInterval      time.Duration // time between health checks of a target
	HealthyThreshold    int           // consecutive successful checks to become healthy
	UnhealthyThreshold  int           // consecutive failed checks to become unhealthy

	Log *slog.Logger // nil discards

	// Dial connects to targets, for health checks and client connections; nil dials
	// TCP. The simulated container runtime, whose tasks listen nowhere, replaces it.
	Dial func(ctx context.Context, addr string) (net.Conn, error)

	// OnChange is called after any target's state changed (healthy, unhealthy,
	// draining, drain finished, …). Calls come from one goroutine of the balancer,
	// outside its locks, and are coalesced: a burst of changes may yield one call, so
	// read Targets/Drained in it rather than counting calls. It may call any method but
	// Close, and must return: Close waits for a running call.
	OnChange func()
}

// Balancer is a TCP load balancer over registered targets. Its methods are safe for
// concurrent use.
type Balancer struct {
	cfg          Config
	log          *slog.Logger
	ln           net.Listener
	checkTimeout time.Duration

	ctx     context.Context // cancelled by Close: aborts dials in flight
	cancel  context.CancelFunc
	done    chan struct{} // closed by Close: ends the notifier and accept back-off
	changed chan struct{} // holds one pending OnChange call

	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup // every goroutine of the balancer; Close waits for them
	checks    sync.WaitGroup // health-check dials in flight, so tests can await results

	mu      sync.Mutex
	closed  bool
	targets map[string]*target
	conns   map[*proxyConn]struct{}
	rr      uint64 // round-robin position, advanced per client connection
	// weights and credit split new connections between target groups (weights.go).
	weights map[string]float64
	credit  map[string]float64
	picks   map[string]uint64
	// requests counts exchanges: each time a client sends after its backend answered
	// (or first), as ELB counts HTTP requests on keep-alive connections.
	requests uint64
}

// Requests is how many requests (exchanges) the balancer has forwarded since it
// started, for ALBRequestCountPerTarget.
func (b *Balancer) Requests() uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.requests
}

// New validates cfg, starts listening and returns the running balancer.
func New(cfg Config) (*Balancer, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("load balancer %s: listen on %s: %w", cfg.Name, cfg.Listen, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Balancer{
		cfg:          cfg,
		log:          cfg.Log.With("lb", cfg.Name, "addr", ln.Addr().String()),
		ln:           ln,
		checkTimeout: min(maxCheckTimeout, cfg.HealthInterval),
		ctx:          ctx,
		cancel:       cancel,
		done:         make(chan struct{}),
		changed:      make(chan struct{}, 1),
		targets:      map[string]*target{},
		conns:        map[*proxyConn]struct{}{},
	}
	b.wg.Add(1)
	go b.acceptLoop()
	if cfg.OnChange != nil {
		b.wg.Add(1)
		go b.notifyLoop()
	}
	b.log.Info("load balancer listening")
	return b, nil
}

func withDefaults(cfg Config) (Config, error) {
	if cfg.Clock == nil {
		return cfg, fmt.Errorf("load balancer %s: Config.Clock is required", cfg.Name)
	}
	if cfg.DeregistrationDelay < 0 || cfg.HealthInterval < 0 || cfg.HealthyThreshold < 0 || cfg.UnhealthyThreshold < 0 {
		return cfg, fmt.Errorf("load balancer %s: negative delay, interval or threshold", cfg.Name)
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.DeregistrationDelay == 0 {
		cfg.DeregistrationDelay = DefaultDeregistrationDelay
	}
	if cfg.HealthInterval == 0 {
		cfg.HealthInterval = DefaultHealthInterval
	}
	if cfg.HealthyThreshold == 0 {
		cfg.HealthyThreshold = DefaultHealthyThreshold
	}
	if cfg.UnhealthyThreshold == 0 {
		cfg.UnhealthyThreshold = DefaultUnhealthyThreshold
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return cfg, nil
}

// Addr is the address clients connect to, with the actual port when Listen asked for 0.
func (b *Balancer) Addr() string { return b.ln.Addr().String() }

// Close stops listening, cuts every connection, stops every timer and waits until no
// goroutine of the balancer remains. Later calls wait likewise and return the same error.
func (b *Balancer) Close() error {
	b.closeOnce.Do(func() {
		b.mu.Lock()
		b.closed = true
		for _, t := range b.targets {
			t.stopTimers()
		}
		conns := make([]*proxyConn, 0, len(b.conns))
		for c := range b.conns {
			conns = append(conns, c)
		}
		b.mu.Unlock()

		b.cancel()
		close(b.done)
		if err := b.ln.Close(); err != nil {
			b.closeErr = fmt.Errorf("load balancer %s: close listener %s: %w", b.cfg.Name, b.Addr(), err)
		}
		for _, c := range conns {
			c.closeSockets()
		}
	})
	b.wg.Wait()
	return b.closeErr
}

// acceptLoop hands each client connection to its own serve goroutine. It exits when
// Close closes the listener.
func (b *Balancer) acceptLoop() {
	defer b.wg.Done()
	var backoff time.Duration
	for {
		conn, err := b.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) || b.isClosed() {
				return
			}
			// Out of file descriptors and the like: back off as net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			b.log.Warn("accept failed", "err", err, "retry_in", backoff)
			if !b.wait(backoff) {
				return
			}
			continue
		}
		backoff = 0
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			_ = conn.Close()
			return
		}
		b.wg.Add(1)
		b.mu.Unlock()
		go b.serve(conn)
	}
}

// wait blocks for d on the balancer's clock and reports false if Close came first.
func (b *Balancer) wait(d time.Duration) bool {
	elapsed := make(chan struct{})
	timer := b.cfg.Clock.AfterFunc(d, func() { close(elapsed) })
	select {
	case <-elapsed:
		return true
	case <-b.done:
		timer.Stop()
		return false
	}
}

func (b *Balancer) isClosed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closed
}

// notify asks for an OnChange call without ever blocking; callers may hold b.mu.
func (b *Balancer) notify() {
	if b.cfg.OnChange == nil {
		return
	}
	select {
	case b.changed <- struct{}{}:
	default: // a call is already pending; it will see this change too
	}
}

// notifyLoop makes the OnChange calls, so a slow callback never stalls the balancer.
// It exits when Close closes b.done.
func (b *Balancer) notifyLoop() {
	defer b.wg.Done()
	for {
		select {
		case <-b.done:
			return
		case <-b.changed:
			b.cfg.OnChange()
		}
	}
}
