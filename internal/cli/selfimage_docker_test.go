//go:build docker

package cli

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// TestUpBuildsItsOwnImages (issue 18, item 1): on an engine without the image, `ecsmini
// up` (a plain `go build` binary, dynamically linked when cgo is on) runs a Fargate task
// whose pause and app image is built by up itself from its own binary, on first need.
// The image is this test's own tag, removed first and at the end, so other users of the
// engine keep theirs. Once the image exists, finding it takes well under a second.
func TestUpBuildsItsOwnImages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	defer engine.Close()
	tag := "ecsmini-selfimage-test-" + randomHex(t) + ":latest"
	if err := engine.RemoveImage(ctx, tag); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := engine.RemoveImage(context.Background(), tag); err != nil {
			t.Errorf("remove image %s: %v", tag, err)
		}
	})
	_, dynamic, err := checkLinuxExec(ecsminiBinary(t), runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the ecsmini under test is dynamically linked: %v", dynamic)

	c := newCrashable(t, tag)
	d := c.start().inCluster(t, "selfimage-"+randomHex(t))
	started := time.Now()
	tasks := d.run(t, fargate("selfimage", d.web("app")), 1)
	running := d.waitRunning(t, 120*time.Second, tasks...)
	t.Logf("first task RUNNING %v after RunTask (image built on the way)", time.Since(started).Round(time.Millisecond))
	if body := get(t, fmt.Sprintf("http://127.0.0.1:%d/health", hostPort(t, &running[0], "app"))); strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /health = %q", body)
	}
	if out := c.out.String(); strings.Count(out, "building the image "+tag) != 1 {
		t.Errorf("want one build of %s in the log:\n%s", tag, out)
	}
	d.stopTask(t, running[0], "done")

	// The image exists now: EnsureImage finds it without building.
	engine.MakeLocally(func(context.Context, *dockerrt.Engine, string) error {
		t.Error("built an image that exists")
		return nil
	}, tag)
	var times []time.Duration
	for range 5 {
		start := time.Now()
		if _, err := engine.EnsureImage(ctx, tag); err != nil {
			t.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	t.Logf("EnsureImage of the existing image: median %v, max %v", times[2], times[4])
	if times[2] > 250*time.Millisecond {
		t.Errorf("EnsureImage of an existing image took %v (median), want well under a second", times[2])
	}
}
