package appscaling

import "github.com/ecsmini/ecsmini/emulator/statefile"

// The state is one small file, state.json: every target with its policies, scheduled
// actions and recent activities, rewritten whole on every change and flushed to the
// disk before the change is answered (statefile), as the store syncs its journal, so
// what was answered survives a crash of the machine too. The metric history is not
// written (see target.points): target tracking starts its datapoints over after a
// restart.
const stateFile = "state.json"

type diskState struct {
	Targets []*target `json:"targets"`
}

func (s *Service) load() error {
	if s.cfg.Dir == "" {
		return nil
	}
	var st diskState
	if _, err := statefile.Load(s.cfg.Dir, stateFile, &st); err != nil {
		return err
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
	return statefile.Save(s.cfg.Dir, stateFile, diskState{Targets: s.sortedLocked()})
}
