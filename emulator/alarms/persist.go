package alarms

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// The state is one small file, state.json: every alarm with its state and history,
// rewritten whole (through a rename) on every change.
const stateFile = "state.json"

type diskState struct {
	Alarms []*alarm `json:"alarms"`
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
	for _, a := range st.Alarms {
		s.alarms[alarmKey(a.Region, a.A.AlarmName)] = a
	}
	return nil
}

// saveLocked writes the state; the caller holds s.mu.
func (s *Service) saveLocked() error {
	if s.cfg.Dir == "" {
		return nil
	}
	b, err := json.Marshal(diskState{Alarms: s.sortedLocked("")})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.cfg.Dir, 0o700); err != nil {
		return err
	}
	tmp := filepath.Join(s.cfg.Dir, stateFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(s.cfg.Dir, stateFile)); err != nil {
		return fmt.Errorf("saving %s: %w", stateFile, err)
	}
	return nil
}
