package appscaling

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The state is one small file, state.json: every target with its policies, scheduled
// actions and recent activities, rewritten whole (through a rename) on every change,
// before the change is answered. The new file and the directory are fsynced before
// and after the rename, as the store syncs its journal, so what was answered survives
// a crash of the machine too, not only of ecsmini. The metric history is not written
// (see target.points): target tracking starts its datapoints over after a restart.
const stateFile = "state.json"

type diskState struct {
	Targets []*target `json:"targets"`
}

func (s *Service) load() error {
	if s.cfg.Dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(s.cfg.Dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	var st diskState
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", stateFile, err)
	}
	for _, t := range st.Targets {
		t.recheck = true
		s.targets[targetKey(t.Region, t.T.ResourceId)] = t
	}
	return nil
}

// saveLocked writes the state; the caller holds s.mu.
func (s *Service) saveLocked() error {
	if s.cfg.Dir == "" {
		return nil
	}
	st := diskState{Targets: s.sortedLocked()}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.cfg.Dir, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(s.cfg.Dir, stateFile+".tmp")
	if err := writeSynced(tmp, b); err != nil {
		return fmt.Errorf("saving %s: %w", stateFile, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.cfg.Dir, stateFile)); err != nil {
		return fmt.Errorf("saving %s: %w", stateFile, err)
	}
	return syncDir(s.cfg.Dir)
}

// writeSynced writes b to a new file at path and flushes it to the disk.
func writeSynced(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return errors.Join(err, f.Close())
	}
	if err := f.Sync(); err != nil {
		return errors.Join(err, f.Close())
	}
	return f.Close()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("saving %s: %w", stateFile, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("saving %s: directory sync: %w", stateFile, err)
	}
	return nil
}
