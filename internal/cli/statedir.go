package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// defaultStateDir is the per-user state directory: $XDG_STATE_HOME/ecsmini, else
// ~/.local/state/ecsmini (Linux) or ~/Library/Application Support/ecsmini (macOS).
func defaultStateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ecsmini"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for the default state directory (use --state-dir): %w", err)
	}
	if runtime.GOOS == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "ecsmini"), nil
	}
	return filepath.Join(home, ".local", "state", "ecsmini"), nil
}
