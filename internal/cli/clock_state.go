package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// clockFile keeps, in the state directory, how far the emulator's clock is ahead of the
// wall clock, so that 'ecsmini clock advance 7d' survives a restart: time in the state
// never runs backwards (timestamps, retirement dates and expiries stay in order).
const clockFile = "clock.json"

type savedClock struct {
	AheadSeconds float64 `json:"aheadSeconds"`
}

// loadClockAhead reads how far ahead the clock was; 0 when it never was.
func loadClockAhead(stateDir string) (time.Duration, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, clockFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("emulator clock: %w", err)
	}
	var s savedClock
	if err := json.Unmarshal(b, &s); err != nil {
		return 0, fmt.Errorf("emulator clock: %s: %w", filepath.Join(stateDir, clockFile), err)
	}
	return max(time.Duration(s.AheadSeconds*float64(time.Second)), 0), nil
}

// saveClockAhead records how far ahead of the wall clock c is (never behind). A clock
// that never moved ahead leaves no file.
func saveClockAhead(stateDir string, c *clock.Virtual) error {
	ahead := max(time.Until(c.Now()), 0)
	if _, err := os.Stat(filepath.Join(stateDir, clockFile)); ahead < time.Second && errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	b, _ := json.Marshal(savedClock{AheadSeconds: ahead.Seconds()}) // plain data: cannot fail
	tmp := filepath.Join(stateDir, clockFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("emulator clock: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(stateDir, clockFile)); err != nil {
		return fmt.Errorf("emulator clock: %w", err)
	}
	return nil
}
