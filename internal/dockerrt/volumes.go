package dockerrt

import (
	"context"
	"errors"
	"fmt"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/volume"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// EnsureVolume creates the named volume unless it exists. The engine's create is
// already idempotent for a same-driver volume, but what it does for another driver
// depends on the engine version, so the driver is compared here: a mismatch is
// ErrConflict on every engine.
func (e *Engine) EnsureVolume(ctx context.Context, spec containers.VolumeSpec) error {
	if spec.Name == "" {
		return fmt.Errorf("create volume: empty name: %w", containers.ErrConflict)
	}
	driver := spec.Driver
	if driver == "" {
		driver = "local"
	}
	if v, err := e.InspectVolume(ctx, spec.Name); err == nil {
		if v.Driver != driver {
			return fmt.Errorf("create volume %s: a volume of that name exists with driver %q: %w", spec.Name, v.Driver, containers.ErrConflict)
		}
		return nil
	} else if !errors.Is(err, containers.ErrNotFound) {
		return err
	}
	_, err := e.cli.VolumeCreate(ctx, volume.CreateOptions{Name: spec.Name, Driver: driver,
		DriverOpts: copyMap(spec.DriverOpts), Labels: copyMap(spec.Labels)})
	return wrapErr("create volume "+spec.Name, err, false)
}

// InspectVolume reports a volume by name; an absent one is ErrNotFound.
func (e *Engine) InspectVolume(ctx context.Context, name string) (containers.Volume, error) {
	v, err := e.cli.VolumeInspect(ctx, name)
	if err != nil {
		return containers.Volume{}, wrapErr("inspect volume "+name, err, false)
	}
	return containers.Volume{Name: v.Name, Driver: v.Driver, Labels: copyMap(v.Labels)}, nil
}

// RemoveVolume removes a named volume (task volumes, and those a volume Mount with
// VolumeLabels made); an absent one is not an error, one in use is ErrConflict.
func (e *Engine) RemoveVolume(ctx context.Context, name string) error {
	err := wrapErr("remove volume "+name, e.cli.VolumeRemove(ctx, name, true), false)
	if errors.Is(err, containers.ErrNotFound) {
		return nil
	}
	return err
}

// VolumesWithLabels lists the names of volumes carrying all the labels, for reaping.
func (e *Engine) VolumesWithLabels(ctx context.Context, labels map[string]string) ([]string, error) {
	args := filters.NewArgs()
	for k, v := range labels {
		args.Add("label", k+"="+v)
	}
	resp, err := e.cli.VolumeList(ctx, volume.ListOptions{Filters: args})
	if err != nil {
		return nil, wrapErr("list volumes", err, false)
	}
	names := make([]string, 0, len(resp.Volumes))
	for _, v := range resp.Volumes {
		names = append(names, v.Name)
	}
	return names, nil
}
