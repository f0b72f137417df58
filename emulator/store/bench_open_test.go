package store

import "time"

// openForBench opens without fsync, so that benchmarks measure the lock, not the disk.
func openForBench(s *Store, dir string) error { return s.OpenWith(dir, Options{NoSync: true}) }

// compactTimed compacts and returns how long the store lock was held for it.
func compactTimed(s *Store) (time.Duration, error) {
	s.mu.Lock()
	s.waitCompactionLocked()
	t0 := time.Now()
	job, err := s.startCompactLocked(false)
	held := time.Since(t0)
	s.mu.Unlock()
	if err != nil {
		return held, err
	}
	<-job.done
	return held, job.err
}
