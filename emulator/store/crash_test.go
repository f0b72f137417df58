package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const crashChildEnv = "ECSMINI_STORE_CRASH_CHILD"

// crashSteps are the compaction steps a writer can be killed at (see reached).
var crashSteps = []string{"segment-created", "snapshot-written", "snapshot-renamed"}

// TestCrashLoop kills a writer with SIGKILL at random points, over several rounds on the
// same state directory, and checks after each that every acknowledged write (puts and
// deletes) is there and that the state opens without damage. The writer is this test
// binary re-executed (TestCrashLoopChild); it compacts often, so kills land in the
// middle of snapshots and rotations too. Bounded to about 10 seconds.
func TestCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))
	present := map[string]bool{} // acknowledged state: key -> put (true) or deleted (false)
	deadline := time.Now().Add(10 * time.Second)
	next := 0
	for round := 0; round < 12 && time.Now().Before(deadline); round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashLoopChild$")
		// Every other round the writer kills itself at a step of a compaction instead.
		step := ""
		if round%2 == 1 {
			step = crashSteps[(round/2)%len(crashSteps)] + ":" + strconv.Itoa(1+rng.IntN(3))
		}
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "ECSMINI_STORE_CRASH_FROM="+strconv.Itoa(next), "ECSMINI_STORE_CRASH_STEP="+step)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		killAt := time.Duration(50+rng.IntN(500)) * time.Millisecond
		timer := time.AfterFunc(killAt, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
		acks := 0
		var pending []string // the keys of the transaction in flight: put, then maybe deleted
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			switch {
			case len(fields) >= 2 && fields[0] == "try":
				pending = fields[1:]
			case len(fields) == 1 && fields[0] == "ack" && pending != nil:
				present[pending[0]] = true
				if len(pending) > 1 {
					present[pending[1]] = false
				}
				pending = nil
				acks++
			}
		}
		timer.Stop()
		_ = cmd.Wait()
		next += acks + 1000 // keys of the next round never collide with an unacknowledged one

		s, tb := open(t, dir)
		s.View(func() {
			for _, k := range pending {
				_, present[k] = tb.Get(k) // written or not: the kill came before the answer
			}
			for k, want := range present {
				if _, got := tb.Get(k); got != want {
					ents, _ := os.ReadDir(dir)
					var names []string
					for _, e := range ents {
						fi, _ := e.Info()
						names = append(names, fmt.Sprintf("%s(%d)", e.Name(), fi.Size()))
					}
					dumpDir(t, dir)
					t.Fatalf("round %d (killed after %v, %d puts acknowledged): key %s present=%v, want %v; seq %d; files %v",
						round, killAt, acks, k, got, want, s.seq, names)
				}
			}
		})
		if round%2 == 0 {
			s.Abandon()
		} else if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %v or at %q, %d puts acknowledged, %d keys checked", round, killAt, step, acks, len(present))
	}
}

// TestCrashLoopChild is TestCrashLoop's writer: it puts rows (and deletes some) in the
// directory it is given, printing each write once it is acknowledged, until killed.
func TestCrashLoopChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the writer process of TestCrashLoop")
	}
	from, _ := strconv.Atoi(os.Getenv("ECSMINI_STORE_CRASH_FROM"))
	if step, nth, ok := strings.Cut(os.Getenv("ECSMINI_STORE_CRASH_STEP"), ":"); ok {
		n, _ := strconv.Atoi(nth)
		var mu sync.Mutex
		crashPoint = func(s string) {
			mu.Lock()
			defer mu.Unlock()
			if s == step {
				if n--; n == 0 {
					_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				}
			}
		}
	}
	s := New()
	tb := NewTable[row](s, "rows")
	if err := s.Open(dir); err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		os.Exit(2)
	}
	s.mu.Lock()
	s.disk.minCompact, s.disk.compactAt = 16<<10, 16<<10 // compact every ~100 writes
	s.mu.Unlock()
	w := bufio.NewWriter(os.Stdout)
	pad := strings.Repeat("p", 100)
	for i := from; ; i++ {
		k := fmt.Sprintf("k%08d", i)
		del := ""
		if i%4 == 0 && i-3 >= from {
			del = fmt.Sprintf("k%08d", i-3)
		}
		fmt.Fprintln(w, "try", k, del)
		w.Flush()
		err := s.Update(func(tx *Tx) error {
			tb.Put(tx, k, &row{Name: k + pad, N: i})
			if del != "" {
				tb.Delete(tx, del)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, "child update:", err)
			os.Exit(2)
		}
		fmt.Fprintln(w, "ack")
		w.Flush()
	}
}

// dumpDir logs what the state files hold, to diagnose a failed round.
func dumpDir(t *testing.T, dir string) {
	b, _ := os.ReadFile(dir + "/" + snapshotFile)
	line, _, _ := cutLine(b)
	t.Logf("snapshot header %s", line)
	gens, _ := listSegments(dir)
	for _, g := range gens {
		r, err := readSegment(dir+"/"+segName(g), segName(g), g)
		if err != nil {
			t.Log(err)
			continue
		}
		first, last := uint64(0), uint64(0)
		if len(r.entries) > 0 {
			first, last = r.entries[0].Seq, r.entries[len(r.entries)-1].Seq
		}
		t.Logf("%s hdr %+v ok %v entries %d [%d..%d] next %d torn %v good %d damage %v", r.name, r.hdr, r.hdrOK, len(r.entries), first, last, r.next, r.torn, r.good, r.damage)
	}
}
