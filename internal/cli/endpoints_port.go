package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// metadataPortFile keeps, in the state directory, the port the metadata and credentials
// endpoints listen on. Task containers carry URIs with that port in their environment
// (and an awsvpc task's pause container proxies to it), so the containers a restarted
// ecsmini adopts only reach it again on the same port.
const metadataPortFile = "metadata-port.json"

type savedPort struct {
	Port int `json:"port"`
}

// portPlan says where the endpoints' loopback listener goes: the state directory whose
// saved port to reuse ("" saves nothing), the preferred port, and whether containers of
// the previous run that carry the saved port are being adopted (then only that port
// will do).
type portPlan struct {
	stateDir  string
	preferred int
	keepSaved bool
}

// listenLoopback starts the loopback listener as plan says and saves its port. With
// containers to adopt, the saved port is the only one that works for them: if it is
// taken, starting fails, saying so, rather than leave their URIs dead.
func (e *endpoints) listenLoopback(plan portPlan) (string, error) {
	saved, err := loadMetadataPort(plan.stateDir)
	if err != nil {
		return "", err
	}
	if saved != 0 && plan.keepSaved {
		addr, err := e.listen(e.home(), saved)
		if err != nil {
			return "", fmt.Errorf("port %d (saved in %s) is not free, and the task containers ecsmini adopts from its previous run reach it there: %w; "+
				"free that port and start ecsmini again, or remove those tasks' containers with 'ecsmini down --state-dir %s'",
				saved, filepath.Join(plan.stateDir, metadataPortFile), err, plan.stateDir)
		}
		return addr, nil
	}
	preferred := plan.preferred
	if preferred == 0 {
		preferred = preferredMetadataPort
	}
	addr, err := e.listen(e.home(), preferred)
	if err != nil {
		addr, err = e.listen(e.home(), 0)
	}
	if err != nil {
		return "", err
	}
	_, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	if port != saved {
		if err := saveMetadataPort(plan.stateDir, port); err != nil {
			return "", err
		}
	}
	return addr, nil
}

// loadMetadataPort reads the saved port; 0 when none was saved (or no state directory).
func loadMetadataPort(stateDir string) (int, error) {
	if stateDir == "" {
		return 0, nil
	}
	path := filepath.Join(stateDir, metadataPortFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("metadata endpoint port: %w", err)
	}
	var s savedPort
	if err := json.Unmarshal(b, &s); err != nil || s.Port <= 0 || s.Port > 65535 {
		return 0, fmt.Errorf("metadata endpoint port: %s is damaged (%q); delete it if no task containers of this state directory remain", path, b)
	}
	return s.Port, nil
}

// saveMetadataPort writes the port atomically: a temporary file, synced, renamed over
// the old one, so a crash leaves the old port or the new one, never a torn file.
func saveMetadataPort(stateDir string, port int) error {
	if stateDir == "" {
		return nil
	}
	b, _ := json.Marshal(savedPort{Port: port}) // plain data: cannot fail
	path := filepath.Join(stateDir, metadataPortFile)
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("metadata endpoint port: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp) // best effort: the error that matters is err
		return fmt.Errorf("metadata endpoint port: %w", err)
	}
	return nil
}
