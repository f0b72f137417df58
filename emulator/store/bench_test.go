package store

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

type benchRow struct {
	Name string   `json:"name"`
	N    int      `json:"n"`
	Tags []string `json:"tags"`
}

// BenchmarkCompactionPause measures what a compaction costs the API at 16, 64 and 128 MiB
// of state: while Compact runs, one client reads (View) and one writes (Update) in a
// loop, and the longest each waited is reported (max-read-ms is the time the store lock
// was held, plus scheduling noise). lock-held-ms is the longest the compaction held the
// store lock itself; compact-ms is how long Compact took.
func BenchmarkCompactionPause(b *testing.B) {
	for _, mib := range []int{16, 64, 128} {
		b.Run(fmt.Sprintf("%dMiB", mib), func(b *testing.B) {
			dir := b.TempDir()
			s := New()
			tb := NewTable[benchRow](s, "rows")
			if err := openForBench(s, dir); err != nil {
				b.Fatal(err)
			}
			defer s.Abandon()
			fillBench(b, s, tb, mib<<20)
			if err := s.Compact(); err != nil {
				b.Fatal(err)
			}
			var maxHeld, maxRead, maxWrite, total time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				stop := make(chan struct{})
				var wg sync.WaitGroup
				var readMax, writeMax time.Duration
				wg.Add(2)
				go probe(&wg, stop, &readMax, func() { s.View(func() { tb.Get("k0000001") }) })
				go probe(&wg, stop, &writeMax, func() {
					_ = s.Update(func(tx *Tx) error { tb.Put(tx, "probe", &benchRow{Name: "probe"}); return nil })
				})
				time.Sleep(5 * time.Millisecond) // let the probes start
				t0 := time.Now()
				held, err := compactTimed(s)
				if err != nil {
					b.Fatal(err)
				}
				total += time.Since(t0)
				maxHeld = max(maxHeld, held)
				close(stop)
				wg.Wait()
				maxRead, maxWrite = max(maxRead, readMax), max(maxWrite, writeMax)
			}
			b.ReportMetric(float64(maxHeld.Microseconds())/1000, "lock-held-ms")
			b.ReportMetric(float64(maxRead.Microseconds())/1000, "max-read-ms")
			b.ReportMetric(float64(maxWrite.Microseconds())/1000, "max-update-ms")
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "compact-ms")
		})
	}
}

// probe calls fn until stop is closed and records the longest call.
func probe(wg *sync.WaitGroup, stop chan struct{}, longest *time.Duration, fn func()) {
	defer wg.Done()
	for {
		select {
		case <-stop:
			return
		default:
		}
		t0 := time.Now()
		fn()
		*longest = max(*longest, time.Since(t0))
		time.Sleep(100 * time.Microsecond)
	}
}

// fillBench writes about size bytes of state as rows of about 1 KiB, 1,000 per
// transaction.
func fillBench(b *testing.B, s *Store, tb *Table[benchRow], size int) {
	b.Helper()
	tag := strings.Repeat("x", 90)
	n := size / 1024
	for i := 0; i < n; i += 1000 {
		err := s.Update(func(tx *Tx) error {
			for j := i; j < min(i+1000, n); j++ {
				r := &benchRow{Name: fmt.Sprintf("row-%d", j), N: j, Tags: make([]string, 10)}
				for k := range r.Tags {
					r.Tags[k] = tag
				}
				tb.Put(tx, fmt.Sprintf("k%07d", j), r)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdate measures one acknowledged write of a 1 KiB row with the journal synced
// to disk before the answer (the default) and without (--fsync=false).
func BenchmarkUpdate(b *testing.B) {
	for _, o := range []struct {
		name string
		opts Options
	}{{"fsync", Options{}}, {"nosync", Options{NoSync: true}}} {
		b.Run(o.name, func(b *testing.B) {
			s := New()
			tb := NewTable[benchRow](s, "rows")
			if err := s.OpenWith(b.TempDir(), o.opts); err != nil {
				b.Fatal(err)
			}
			defer s.Abandon()
			r := &benchRow{Name: "row", Tags: []string{strings.Repeat("x", 1000)}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := fmt.Sprintf("k%07d", i%1000)
				if err := s.Update(func(tx *Tx) error { tb.Put(tx, k, r); return nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
