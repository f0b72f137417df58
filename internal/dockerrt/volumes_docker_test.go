//go:build docker

package dockerrt

import (
	"context"
	"errors"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/runtimetest"
)

// EnsureVolume hands the driver options and labels of a dockerVolumeConfiguration to
// the engine; RemoveVolume refuses a mounted volume and forgets an absent one.
func TestEnsureVolumeDriverOptions(t *testing.T) {
	ctx := t.Context()
	name := uniq("vol")
	t.Cleanup(func() { testEngine.RemoveVolume(context.WithoutCancel(ctx), name) })
	spec := containers.VolumeSpec{Name: name, Driver: "local",
		DriverOpts: map[string]string{"type": "tmpfs", "device": "tmpfs", "o": "size=1m"},
		Labels:     withTestLabel(map[string]string{"ecsmini.test/volume": name})}
	if err := testEngine.EnsureVolume(ctx, spec); err != nil {
		t.Fatalf("EnsureVolume: %v", err)
	}
	raw, err := testEngine.cli.VolumeInspect(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Options["type"] != "tmpfs" || raw.Options["o"] != "size=1m" || raw.Labels["ecsmini.test/volume"] != name {
		t.Errorf("engine volume options %v labels %v", raw.Options, raw.Labels)
	}
	if err := testEngine.EnsureVolume(ctx, spec); err != nil {
		t.Errorf("second EnsureVolume: %v", err)
	}

	c := workloadSpec(uniq("mounts"), runtimetest.Behaviour{})
	c.Mounts = []containers.Mount{{Type: "volume", Source: name, Target: "/data"}}
	id := runWorkload(t, c)
	if err := testEngine.RemoveVolume(ctx, name); !errors.Is(err, containers.ErrConflict) {
		t.Errorf("RemoveVolume of a mounted volume: %v, want ErrConflict", err)
	}
	if err := testEngine.Remove(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := testEngine.RemoveVolume(ctx, name); err != nil {
		t.Fatalf("RemoveVolume: %v", err)
	}
	if _, err := testEngine.InspectVolume(ctx, name); !errors.Is(err, containers.ErrNotFound) {
		t.Errorf("InspectVolume after RemoveVolume: %v, want ErrNotFound", err)
	}
	if err := testEngine.RemoveVolume(ctx, name); err != nil {
		t.Errorf("RemoveVolume of an absent volume: %v", err)
	}
}
