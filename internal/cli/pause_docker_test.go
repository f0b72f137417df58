//go:build docker

package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestLostPauseContainerOnDocker (issue 14, item 5): removing a running awsvpc task's
// pause container (docker rm -f) takes its network namespace and published port. The
// task stops as ECS stops a task whose essential container exits (the ECS agent makes
// the pause container essential), its container says why, and the service replaces it
// with a task that answers.
func TestLostPauseContainerOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), 0).inCluster(t, "lost-pause-"+randomHex(t))
	const name = "web"
	d.createService(t, name, d.register(t, fargate("lost-pause", d.web("app"))), 1)
	first := d.serviceRunning(t, name, "", 60*time.Second)
	if body := get(t, fmt.Sprintf("http://127.0.0.1:%d/health", hostPort(t, &first, "app"))); strings.TrimSpace(body) != "ok" {
		t.Fatalf("GET /health = %q", body)
	}
	arn := aws.ToString(first.TaskArn)
	pause := pauseContainer(t, arn)
	if pause == "" {
		t.Fatal("no pause container for the service's task")
	}
	dockerCLI(t, "rm", "-f", pause)

	stopped := d.waitStopped(t, 30*time.Second, first)[0]
	reason := aws.ToString(containerOf(t, &stopped, "app").Reason)
	switch {
	case stopped.StopCode != types.TaskStopCodeEssentialContainerExited || aws.ToString(stopped.StoppedReason) != "Essential container in task exited":
		t.Errorf("stopped with %s %q, want EssentialContainerExited\n%s", stopped.StopCode, aws.ToString(stopped.StoppedReason), summarize(&stopped))
	case reason != "the task's network is gone: its pause container was removed outside ecsmini" &&
		!strings.HasPrefix(reason, "the task's network is gone: its pause container (image "+image+") exited with code 137"):
		// rm -f kills (die, 137), then removes (destroy): ecsmini may look in between.
		t.Errorf("container reason %q", reason)
	}
	if left, err := taskContainers(arn); err != nil || left != "" {
		t.Errorf("the stopped task left: %s %v", left, err)
	}

	next := d.serviceRunning(t, name, arn, 60*time.Second)
	if body := get(t, fmt.Sprintf("http://127.0.0.1:%d/health", hostPort(t, &next, "app"))); strings.TrimSpace(body) != "ok" {
		t.Errorf("the replacement's GET /health = %q", body)
	}
}

// serviceRunning waits for a RUNNING task of the service other than not.
func (d *dockerTasks) serviceRunning(t *testing.T, service, not string, within time.Duration) types.Task {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		for _, tk := range d.serviceTasksCtx(tctx(t, 10*time.Second), t, service, types.DesiredStatusRunning) {
			if aws.ToString(tk.LastStatus) == "RUNNING" && aws.ToString(tk.TaskArn) != not {
				return tk
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("service %s has no RUNNING task (other than %s) within %v\n%s", service, not, within, d.serviceSummary(service))
		}
		time.Sleep(200 * time.Millisecond)
	}
}
