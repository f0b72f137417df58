//go:build docker

package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// An image MakeLocallyFrom registered is built again on its first EnsureImage when it
// carries another build (an older ecsmini made it), once; the stale image is removed,
// unless a container still uses it; an image of the wanted build is taken as it is.
func TestStaleLocalImageRebuilt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	e := testEngine
	tag := fmt.Sprintf("ecsmini-stale-test:%08x", rand.Uint32())
	var made []string
	maker := func(build string) ImageMaker {
		return func(ctx context.Context, e *Engine, ref string) error {
			made = append(made, build)
			files := map[string][]byte{"Dockerfile": []byte("FROM scratch\nCOPY build /build\n"), "build": []byte(build)}
			return e.BuildImage(ctx, ref, files, map[string]string{LabelBuild: build, testLabelKey: testLabelValue})
		}
	}
	t.Cleanup(func() {
		if err := e.RemoveImage(context.Background(), tag); err != nil {
			t.Errorf("remove %s: %v", tag, err)
		}
	})
	imageID := func() string {
		t.Helper()
		img, err := e.inspectImage(ctx, tag)
		if err != nil {
			t.Fatal(err)
		}
		return img.ID
	}
	if err := maker("old")(ctx, e, tag); err != nil {
		t.Fatal(err)
	}
	old := imageID()
	// A container of the old image: the engine keeps the image for it.
	inUse, err := e.Create(ctx, containers.Spec{Name: "ecsmini-stale-test-" + old[7:19], Image: old, Cmd: []string{"/build"}, Labels: withTestLabel(nil)})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := e.Remove(context.Background(), inUse); err != nil {
			t.Error(err)
		}
		if err := e.RemoveImage(context.Background(), old); err != nil {
			t.Errorf("remove the stale image: %v", err)
		}
	}()

	e.MakeLocallyFrom(maker("v1"), "v1", tag)
	for range 2 {
		if _, err := e.EnsureImage(ctx, tag); err != nil {
			t.Fatal(err)
		}
	}
	v1 := imageID()
	if len(made) != 2 || made[1] != "v1" || v1 == old {
		t.Fatalf("builds %v (image %s, old %s), want one rebuild as v1", made, v1, old)
	}
	if _, err := e.inspectImage(ctx, old); err != nil {
		t.Fatalf("the stale image a container uses was removed: %v", err)
	}

	// A new registration (another ecsmini start) of the same build finds it current.
	e.MakeLocallyFrom(maker("v1"), "v1", tag)
	if _, err := e.EnsureImage(ctx, tag); err != nil || len(made) != 2 {
		t.Fatalf("builds %v, err %v: the current image was built again", made, err)
	}

	// A newer build replaces v1, which no container uses: it is gone.
	e.MakeLocallyFrom(maker("v2"), "v2", tag)
	if _, err := e.EnsureImage(ctx, tag); err != nil {
		t.Fatal(err)
	}
	if len(made) != 3 || imageID() == v1 {
		t.Fatalf("builds %v: want v2 built", made)
	}
	if _, err := e.inspectImage(ctx, v1); !errors.Is(err, containers.ErrImageNotFound) {
		t.Fatalf("the stale v1 image is still there: %v", err)
	}
}
