package lb

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestBlueGreenCutOverUnderLoad shifts a client loop's traffic as a CANARY deployment
// does — all blue, a 10% canary, all green, blue deregistered — and counts what the
// client sees: only blue, then the canary share, then only green, with no failed request.
func TestBlueGreenCutOverUnderLoad(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	backends := []*backend{startBackend(t, "blue1"), startBackend(t, "blue2"), startBackend(t, "green1"), startBackend(t, "green2")}
	registerHealthy(t, fake, b, backends...)
	for _, be := range backends {
		b.SetGroup(be.name, strings.TrimRight(be.name, "12"))
	}
	b.SetWeights(map[string]float64{"blue": 100})

	const phases = 4
	var phase atomic.Int32
	var mu sync.Mutex
	seen := [phases]map[string]int{{}, {}, {}, {}}
	var failed, total atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			p := phase.Load()
			name, err := ask(b.Addr())
			total.Add(1)
			progress.notify()
			if err != nil {
				failed.Add(1)
				continue
			}
			mu.Lock()
			seen[p][name]++
			mu.Unlock()
		}
	}()
	// waitRequests lets the client make n more requests.
	waitRequests := func(n int64) {
		t.Helper()
		target := total.Load() + n
		waitFor(t, "client requests", func() bool { return total.Load() >= target })
	}
	waitRequests(50)
	b.SetWeights(map[string]float64{"blue": 90, "green": 10})
	phase.Store(1)
	waitRequests(200)
	b.SetWeights(map[string]float64{"blue": 0, "green": 100})
	phase.Store(2)
	waitRequests(50)
	b.Deregister("blue1")
	b.Deregister("blue2")
	waitFor(t, "blue drained", func() bool { return b.Drained("blue1") && b.Drained("blue2") })
	phase.Store(3)
	waitRequests(50)
	close(stop)
	<-done

	mu.Lock()
	defer mu.Unlock()
	count := func(p int, prefix string) (n int) {
		for name, c := range seen[p] {
			if strings.HasPrefix(name, prefix) {
				n += c
			}
		}
		return n
	}
	t.Logf("requests %d, failed %d; per phase %v", total.Load(), failed.Load(), seen)
	if f := failed.Load(); f != 0 {
		t.Errorf("%d of %d requests failed across the cut-over", f, total.Load())
	}
	if count(0, "green") != 0 || count(0, "blue") == 0 {
		t.Errorf("before the shift: %v, want blue only", seen[0])
	}
	// Smooth weighted round robin gives the canary one connection in ten (±1 at the edges).
	if g, all := count(1, "green"), count(1, ""); all < 100 || g < all/10-2 || g > all/10+2 {
		t.Errorf("during the canary: %v, want 10%% green", seen[1])
	}
	for _, p := range []int{2, 3} {
		if count(p, "blue") != 0 || count(p, "green") == 0 {
			t.Errorf("phase %d: %v, want green only", p, seen[p])
		}
	}
}

// ask sends one ping on a new connection to addr and returns who answered.
func ask(addr string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	return (&client{conn: conn, r: bufio.NewReader(conn)}).ask("ping")
}
