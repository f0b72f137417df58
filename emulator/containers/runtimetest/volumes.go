package runtimetest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func init() {
	cases = append(cases,
		testCase{"Volumes", testVolumes},
		testCase{"VolumeMountCreates", testVolumeMountCreates},
		testCase{"BindMountAbsentSource", testBindMountAbsentSource},
	)
}

// removeVolumeLater removes the volume when the test ends; registered before the
// containers that mount it, it runs after their removal (cleanups run last first).
func removeVolumeLater(t *testing.T, rt containers.Runtime, name string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := rt.RemoveVolume(ctx, name); err != nil {
			t.Errorf("cleanup: RemoveVolume(%s): %v", name, err)
		}
	})
}

// EnsureVolume is idempotent, keeps the labels and refuses another driver; a volume in
// use cannot be removed; removing an absent one is fine.
func testVolumes(t *testing.T, h Harness) {
	rt := h.New(t)
	ctx := t.Context()
	name := uniqueName(t, "vol")
	labels := h.SuiteLabels()
	labels["ecsmini.test/volume"] = name

	if _, err := rt.InspectVolume(ctx, name); err == nil {
		t.Fatalf("InspectVolume(%s) before creation: no error", name)
	} else {
		wantErr(t, "InspectVolume of an absent volume", err, containers.ErrNotFound)
	}
	if err := rt.RemoveVolume(ctx, name); err != nil {
		t.Errorf("RemoveVolume of an absent volume: %v, want nil", err)
	}
	removeVolumeLater(t, rt, name)
	spec := containers.VolumeSpec{Name: name, Labels: labels}
	if err := rt.EnsureVolume(ctx, spec); err != nil {
		t.Fatalf("EnsureVolume: %v", err)
	}
	v, err := rt.InspectVolume(ctx, name)
	if err != nil {
		t.Fatalf("InspectVolume: %v", err)
	}
	if v.Name != name || v.Driver != "local" || v.Labels["ecsmini.test/volume"] != name {
		t.Errorf("InspectVolume = %+v, want name %s, driver local and the labels", v, name)
	}
	if err := rt.EnsureVolume(ctx, spec); err != nil {
		t.Errorf("second EnsureVolume: %v", err)
	}
	other := spec
	other.Driver = "ecsmini-no-such-driver"
	wantErr(t, "EnsureVolume with another driver", rt.EnsureVolume(ctx, other), containers.ErrConflict)

	// Two containers share the volume; while either exists it cannot be removed.
	var ids []string
	for _, suffix := range []string{"a", "b"} {
		c := newSpec(t, h, "mount-"+suffix, Behaviour{})
		c.Mounts = []containers.Mount{{Type: "volume", Source: name, Target: "/data"}}
		ids = append(ids, run(t, rt, c))
	}
	wantErr(t, "RemoveVolume of a mounted volume", rt.RemoveVolume(ctx, name), containers.ErrConflict)
	for _, id := range ids {
		if err := rt.Remove(ctx, id); err != nil {
			t.Fatalf("Remove(%s): %v", id, err)
		}
	}
	if _, err := rt.InspectVolume(ctx, name); err != nil {
		t.Errorf("a named volume must outlive its containers: %v", err)
	}
	if err := rt.RemoveVolume(ctx, name); err != nil {
		t.Fatalf("RemoveVolume: %v", err)
	}
	_, err = rt.InspectVolume(ctx, name)
	wantErr(t, "InspectVolume after RemoveVolume", err, containers.ErrNotFound)
}

// A volume Mount naming an absent volume creates it with the mount's labels, as Docker
// does; removing the container leaves it.
func testVolumeMountCreates(t *testing.T, h Harness) {
	rt := h.New(t)
	ctx := t.Context()
	name := uniqueName(t, "vol")
	labels := h.SuiteLabels()
	labels["ecsmini.test/volume"] = name
	removeVolumeLater(t, rt, name)
	c := newSpec(t, h, "mount", Behaviour{})
	c.Mounts = []containers.Mount{{Type: "volume", Source: name, Target: "/data", VolumeLabels: labels}}
	id := create(t, rt, c)
	v, err := rt.InspectVolume(ctx, name)
	if err != nil {
		t.Fatalf("InspectVolume after Create: %v", err)
	}
	if v.Labels["ecsmini.test/volume"] != name {
		t.Errorf("volume labels %v, want the mount's", v.Labels)
	}
	if err := rt.Remove(ctx, id); err != nil {
		t.Fatalf("Remove: %v", err)
	}
	if _, err := rt.InspectVolume(ctx, name); err != nil {
		t.Errorf("volume gone with its container: %v", err)
	}
}

// A bind Mount of a host path that does not exist yet creates it, as `docker run -v`
// does: ECS documents that for host.sourcePath ("If the sourcePath value doesn't exist
// on the host container instance, the Docker daemon creates it"), so such a task runs.
func testBindMountAbsentSource(t *testing.T, h Harness) {
	rt := h.New(t)
	src := filepath.Join(t.TempDir(), "absent", "data")
	c := newSpec(t, h, "bind", Behaviour{})
	c.Mounts = []containers.Mount{{Type: "bind", Source: src, Target: "/data"}}
	id := run(t, rt, c)
	if st := inspect(t, rt, id); st.Status != containers.Running {
		t.Errorf("status %v, want running", st.Status)
	}
}
