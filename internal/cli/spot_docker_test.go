//go:build docker

package cli

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestSpotInterruptionOnDocker: a Fargate Spot interruption reaches the task's container
// as SIGTERM (the workload logs it and exits), the task stops with ECS's stop code and
// reason, and the service brings a replacement up.
func TestSpotInterruptionOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "spot-"+randomHex(t))
	if _, err := d.ecs.PutClusterCapacityProviders(tctx(t, 10*time.Second), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String(d.cluster), CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}); err != nil {
		t.Fatal(err)
	}
	td := d.register(t, fargate("spot-web", d.workloadDef("app")))
	d.createService(t, "spotty", td, 1, func(in *sdkecs.CreateServiceInput) {
		in.LaunchType = ""
		in.CapacityProviderStrategy = []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}
	})
	d.waitService(t, "spotty", "runs its task", 60*time.Second, func(s *types.Service) bool { return s.RunningCount == 1 })
	victim := d.serviceTasks(t, "spotty", types.DesiredStatusRunning)[0]
	arn := aws.ToString(victim.TaskArn)
	if p := aws.ToString(victim.CapacityProviderName); p != "FARGATE_SPOT" {
		t.Fatalf("the task runs on %q", p)
	}
	// RUNNING means Docker started the container; a signal before the Go runtime is up
	// ends it with code 2, as on ECS. Interrupt once the workload says it runs.
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(taskLogs(t, d.addr, arn), "workload: started"); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the workload never started: %q", taskLogs(t, d.addr, arn))
		}
	}

	if out := cli(t, d.addr, false, "spot", "interrupt", "--service", "spotty", "--cluster", d.cluster); !strings.Contains(out, "interrupted "+arn) {
		t.Fatalf("spot interrupt: %s", out)
	}
	stopped := d.waitFor(t, victim, "STOPPED", 60*time.Second, func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
	if stopped.StopCode != types.TaskStopCodeSpotInterruption || aws.ToString(stopped.StoppedReason) != "Your Spot Task was interrupted." {
		t.Fatalf("stopped %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
	if c := containerOf(t, stopped, "app"); exitCode(c) != "0" {
		t.Errorf("the workload exited %s; on SIGTERM it exits 0", exitCode(c))
	}
	logs := taskLogs(t, d.addr, arn)
	if !strings.Contains(logs, "received SIGTERM") {
		t.Errorf("the container never saw SIGTERM; its output:\n%s", logs)
	}
	s := d.waitService(t, "spotty", "replaces the interrupted task", 60*time.Second, func(s *types.Service) bool {
		if s.RunningCount != 1 {
			return false
		}
		running := d.serviceTasks(t, "spotty", types.DesiredStatusRunning)
		return len(running) == 1 && aws.ToString(running[0].TaskArn) != arn && aws.ToString(running[0].LastStatus) == "RUNNING"
	})
	if countEvents(s, "has started 1 tasks") < 2 {
		t.Errorf("events: %q", eventMessages(s))
	}
}

// taskLogs is what `ecsmini logs TASK` shows of a task.
func taskLogs(t *testing.T, addr, task string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/_ecsmini/logs?task=" + url.QueryEscape(task))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}
