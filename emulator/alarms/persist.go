package alarms

import "github.com/ecsmini/ecsmini/emulator/statefile"

// The state is one small file, state.json: every alarm with its state and history,
// rewritten whole on every change and flushed to the disk before the change is
// answered (statefile).
const stateFile = "state.json"

type diskState struct {
	Alarms []*alarm `json:"alarms"`
}

func (s *Service) load() error {
	if s.cfg.Dir == "" {
		return nil
	}
	var st diskState
	if _, err := statefile.Load(s.cfg.Dir, stateFile, &st); err != nil {
		return err
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
	return statefile.Save(s.cfg.Dir, stateFile, diskState{Alarms: s.sortedLocked("")})
}
