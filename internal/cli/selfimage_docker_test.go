//go:build docker

package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

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

	// The README's quick start, with the AWS CLI, on this test's image.
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "fargate-web.json"))
	if err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(t.TempDir(), "fargate-web.json")
	if err := os.WriteFile(def, []byte(strings.ReplaceAll(string(example), "ecsmini-demo:latest", tag)), 0o644); err != nil {
		t.Fatal(err)
	}
	endpoint := "http://" + c.addr
	awsCLI(t, ctx, "ecs", "register-task-definition", "--cli-input-json", "file://"+def, "--endpoint-url", endpoint)
	started := time.Now()
	arn := awsCLI(t, ctx, "ecs", "run-task", "--cluster", d.cluster, "--task-definition", "fargate-web", "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=[subnet-12345678]}", "--endpoint-url", endpoint,
		"--query", "tasks[0].taskArn", "--output", "text")
	running := d.waitRunning(t, 120*time.Second, types.Task{TaskArn: &arn})
	t.Logf("first task RUNNING %v after RunTask (image built on the way)", time.Since(started).Round(time.Millisecond))
	if body := get(t, fmt.Sprintf("http://127.0.0.1:%d/health", hostPort(t, &running[0], "web"))); strings.TrimSpace(body) != "ok" {
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

// awsCLI runs the AWS CLI with test credentials and returns its trimmed output.
func awsCLI(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "aws", args...)
	cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
		"AWS_DEFAULT_REGION=us-east-1", "AWS_PAGER=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
