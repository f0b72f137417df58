package runtimetest

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func init() {
	cases = append(cases,
		testCase{"UnknownContainer", testUnknownContainer},
		testCase{"NameInUse", testNameInUse},
		testCase{"MissingImage", testMissingImage},
		testCase{"EnsureImage", testEnsureImage},
	)
}

// An unknown ID is ErrNotFound for every call but Remove, which treats an absent
// container as already removed.
func testUnknownContainer(t *testing.T, h Harness) {
	rt := h.New(t)
	ctx := t.Context()
	const id = "ecsmini-rtt-no-such-container"
	_, err := rt.Inspect(ctx, id)
	wantErr(t, "Inspect", err, containers.ErrNotFound)
	wantErr(t, "Start", rt.Start(ctx, id), containers.ErrNotFound)
	wantErr(t, "Stop", rt.Stop(ctx, id, time.Second), containers.ErrNotFound)
	_, err = rt.Stats(ctx, id)
	wantErr(t, "Stats", err, containers.ErrNotFound)
	if r, err := rt.Logs(ctx, id, false); err == nil {
		r.Close()
		t.Error("Logs of an unknown container: no error, want ErrNotFound")
	} else {
		wantErr(t, "Logs", err, containers.ErrNotFound)
	}
	if err := rt.Remove(ctx, id); err != nil {
		t.Errorf("Remove of an absent container: %v, want nil", err)
	}
}

func testNameInUse(t *testing.T, h Harness) {
	rt := h.New(t)
	spec := newSpec(t, h, "twin", Behaviour{})
	create(t, rt, spec)
	id, err := rt.Create(t.Context(), spec)
	if err == nil {
		t.Cleanup(func() { removeQuietly(t, rt, id) })
	}
	wantErr(t, "Create with a name in use", err, containers.ErrConflict)
}

func testMissingImage(t *testing.T, h Harness) {
	rt := h.New(t)
	spec := newSpec(t, h, "ghost", Behaviour{})
	spec.Image = h.MissingImage
	id, err := rt.Create(t.Context(), spec)
	if err == nil {
		t.Cleanup(func() { removeQuietly(t, rt, id) })
	}
	wantErr(t, "Create with a missing image", err, containers.ErrImageNotFound)
	_, err = rt.EnsureImage(t.Context(), h.MissingImage)
	wantErr(t, "EnsureImage of a missing image", err, containers.ErrImageNotFound)
}

func testEnsureImage(t *testing.T, h Harness) {
	rt := h.New(t)
	ref := newSpec(t, h, "img", Behaviour{}).Image
	img, err := rt.EnsureImage(t.Context(), ref)
	if err != nil {
		t.Fatalf("EnsureImage(%s): %v", ref, err)
	}
	if img.ID == "" || img.Ref != ref {
		t.Errorf("EnsureImage = %+v, want Ref %q and an ID", img, ref)
	}
	again, err := rt.EnsureImage(t.Context(), ref)
	if err != nil || again.ID != img.ID {
		t.Errorf("second EnsureImage = %+v, %v; want the same image", again, err)
	}
}
