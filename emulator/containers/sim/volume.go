package sim

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// volume is a simulated named volume. It holds no data: the sim only tracks that it
// exists, who mounts it and what it is labelled with.
type volume struct {
	name       string
	driver     string
	driverOpts map[string]string
	labels     map[string]string
	anonymous  bool // made by Create for a volume Mount without Source; goes with its container
}

func (v *volume) info() containers.Volume {
	return containers.Volume{Name: v.name, Driver: v.driver, Labels: maps.Clone(v.labels)}
}

func driverOrLocal(d string) string {
	if d == "" {
		return "local"
	}
	return d
}

// EnsureVolume creates the volume unless one of that name exists; one with another
// driver is a conflict, as in Docker.
func (r *Runtime) EnsureVolume(ctx context.Context, spec containers.VolumeSpec) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if spec.Name == "" {
		return fmt.Errorf("sim: create volume: empty name: %w", containers.ErrConflict)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	driver := driverOrLocal(spec.Driver)
	if v, ok := r.volumes[spec.Name]; ok {
		if v.driver != driver {
			return fmt.Errorf("sim: create volume %s: a volume of that name exists with driver %q: %w", spec.Name, v.driver, containers.ErrConflict)
		}
		return nil
	}
	r.volumes[spec.Name] = &volume{name: spec.Name, driver: driver,
		driverOpts: maps.Clone(spec.DriverOpts), labels: maps.Clone(spec.Labels)}
	return nil
}

// InspectVolume reports a volume by name.
func (r *Runtime) InspectVolume(ctx context.Context, name string) (containers.Volume, error) {
	if err := ctx.Err(); err != nil {
		return containers.Volume{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.volumes[name]
	if !ok {
		return containers.Volume{}, fmt.Errorf("sim: no such volume %q: %w", name, containers.ErrNotFound)
	}
	return v.info(), nil
}

// RemoveVolume removes a volume no container mounts; an absent volume is not an error.
func (r *Runtime) RemoveVolume(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.volumes[name]; !ok {
		return nil
	}
	for _, c := range r.byID {
		if mountsVolume(c.spec, name) {
			return fmt.Errorf("sim: remove volume %s: volume is in use by container %s: %w", name, c.id[:12], containers.ErrConflict)
		}
	}
	delete(r.volumes, name)
	return nil
}

// Volumes lists the names of the volumes carrying all the labels, sorted: a test hook
// (the port has no volume listing) for checking that nothing is left behind.
func (r *Runtime) Volumes(labels map[string]string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for name, v := range r.volumes {
		if hasLabels(v.labels, labels) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

func mountsVolume(spec containers.Spec, name string) bool {
	for _, m := range spec.Mounts {
		if m.Type == "volume" && m.Source == name {
			return true
		}
	}
	return false
}

// mountVolumes creates the absent volumes spec's volume Mounts name, as Docker does at
// create, and names anonymous ones; it returns the spec with those names filled in (a
// copy: the caller's Mounts are not modified). Callers hold r.mu.
func (r *Runtime) mountVolumes(spec containers.Spec) containers.Spec {
	spec.Mounts = slices.Clone(spec.Mounts)
	for i := range spec.Mounts {
		m := &spec.Mounts[i]
		if m.Type != "volume" {
			continue
		}
		anonymous := m.Source == ""
		if anonymous {
			m.Source = r.newID("volume", m.Target)
		}
		if _, ok := r.volumes[m.Source]; !ok {
			r.volumes[m.Source] = &volume{name: m.Source, driver: "local",
				labels: maps.Clone(m.VolumeLabels), anonymous: anonymous}
		}
	}
	return spec
}

// dropAnonymousVolumes removes the anonymous volumes a removed container made, as
// Docker's remove with volumes does. Callers hold r.mu.
func (r *Runtime) dropAnonymousVolumes(spec containers.Spec) {
	for _, m := range spec.Mounts {
		if v, ok := r.volumes[m.Source]; ok && m.Type == "volume" && v.anonymous {
			delete(r.volumes, m.Source)
		}
	}
}
