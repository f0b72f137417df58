package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

const (
	snapshotFile = "snapshot.jsonl"
	lockFile     = "lock"
	// minCompactAt is the smallest journal size that triggers a snapshot. Past it, a
	// snapshot is taken when the journal outgrows the last snapshot, so compaction costs
	// a constant share of each write and a restart replays at most one snapshot's worth.
	minCompactAt = 4 << 20
)

// disk is the state directory of an opened store.
type disk struct {
	dir        string
	lock       *os.File
	sync       bool
	seg        *segment // the journal segment being appended to
	compactAt  int64    // segment size that triggers the next snapshot
	minCompact int64    // floor of compactAt (minCompactAt; tests lower it)
	job        *compactJob
}

// openDisk locks dir and sweeps what a crashed snapshot write left behind.
func openDisk(dir string, sync bool) (*disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("state directory: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("state directory %s is in use by another ecsmini (stop it first, or use --state-dir): %w", dir, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "state.json")); err == nil {
		lock.Close()
		return nil, fmt.Errorf("%s holds state of an ecsmini development build (format 1), which this ecsmini cannot read; remove it or use another --state-dir: %w", dir, ErrNewerFormat)
	}
	d := &disk{dir: dir, lock: lock, sync: sync, compactAt: minCompactAt, minCompact: minCompactAt}
	if err := d.sweep(); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// sweep removes temporary snapshot files: a snapshot write that never reached its
// rename (ecsmini was killed) is garbage by construction.
func (d *disk) sweep() error {
	ents, err := os.ReadDir(d.dir)
	if err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, ".snapshot-") && strings.HasSuffix(n, ".tmp") {
			if err := os.Remove(filepath.Join(d.dir, n)); err != nil {
				return fmt.Errorf("state directory: %w", err)
			}
		}
	}
	return nil
}

// removeSegmentsBefore deletes the journal segments older than gen (their transactions
// are in the snapshot of generation gen).
func removeSegmentsBefore(dir string, gen uint64) error {
	gens, err := listSegments(dir)
	if err != nil {
		return err
	}
	for _, g := range gens {
		if g < gen {
			if err := os.Remove(filepath.Join(dir, segName(g))); err != nil {
				return fmt.Errorf("journal: %w", err)
			}
		}
	}
	return nil
}

func (d *disk) close() error {
	var err error
	if d.seg != nil {
		err = d.seg.close()
		d.seg = nil
	}
	_ = syscall.Flock(int(d.lock.Fd()), syscall.LOCK_UN)
	if cerr := d.lock.Close(); err == nil {
		err = cerr
	}
	return err
}
