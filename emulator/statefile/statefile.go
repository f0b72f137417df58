// Package statefile keeps a small piece of state as one JSON file that is rewritten
// whole on every change: the services beside the emulator's store (Application Auto
// Scaling, CloudWatch alarms, lifecycle hook mappings) answer a change only after
// Save returned, so what they acknowledged survives a crash of ecsmini and of the
// machine (the new file and its directory are flushed to the disk around the rename).
package statefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Load reads dir/name into v. A missing file is no error and leaves v as it was
// (found is false); a damaged one is an error naming the file.
func Load(dir, name string, v any) (found bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%s: %w", filepath.Join(dir, name), err)
	}
	return true, nil
}

// Save writes v as dir/name: to a temporary file flushed to the disk, renamed over the
// old one, and the directory flushed so the rename lasts. A failure leaves the old
// file in place.
func Save(dir, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	tmp := filepath.Join(dir, name+".tmp")
	if err := writeSynced(tmp, b); err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("saving %s: %w", name, err)
	}
	return nil
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

// syncDir makes a rename in dir durable. Some file systems cannot sync a directory
// (os.ErrInvalid); the rename is then as durable as they make it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("directory sync: %w", err)
	}
	return nil
}
