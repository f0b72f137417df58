//go:build docker

package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// BenchmarkAwsvpcRunTaskToRunning is the figure: RunTask of a one-container
// awsvpc (Fargate) task until DescribeTasks says RUNNING, against `docker run -d` of
// the same image, side by side, each the median of b.N runs (ecsmini's awsvpc task is
// two containers, its pause container and the app; the target is at most 1.0×):
//
//	go test -tags docker ./internal/cli -run '^$' -bench AwsvpcRunTaskToRunning -benchtime 15x
func BenchmarkAwsvpcRunTaskToRunning(b *testing.B) {
	ctx := context.Background()
	image := latencyImage(b)
	dir := b.TempDir()
	upCtx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- runUp(upCtx, upOptions{listen: "127.0.0.1:0", stateDir: dir, runtime: "docker", region: "us-east-1",
			accountID: "000000000000", pauseImage: image}, io.Discard, io.Discard, ready)
	}()
	addr := <-ready
	defer func() { cancel(); <-done }()
	td := fmt.Sprintf(`{"family":"latency-vpc","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
		"containerDefinitions":[{"name":"app","image":%q,"command":["workload"]}]}`, image)
	if _, err := ecsCall(addr, "RegisterTaskDefinition", td); err != nil {
		b.Fatal(err)
	}
	run := `{"taskDefinition":"latency-vpc","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`
	// One task first, as a user's first task: the cluster network is made then.
	warm := runToRunning(b, addr, run)
	if _, err := ecsCall(addr, "StopTask", fmt.Sprintf(`{"task":%q}`, warm.arn)); err != nil {
		b.Fatal(err)
	}
	var ecsTimes, dockerTimes []time.Duration
	for i := 0; i < b.N; i++ {
		r := runToRunning(b, addr, run)
		ecsTimes = append(ecsTimes, r.took)
		if _, err := ecsCall(addr, "StopTask", fmt.Sprintf(`{"task":%q}`, r.arn)); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		name := fmt.Sprintf("ecsmini-latency-%d-%d", os.Getpid(), i)
		if out, err := exec.Command("docker", "run", "-d", "--name", name, "--label", "ecsmini.test=1", "-m", "512m", image, "workload").CombinedOutput(); err != nil {
			b.Fatalf("docker run: %v\n%s", err, out)
		}
		dockerTimes = append(dockerTimes, time.Since(start))
		_ = exec.Command("docker", "rm", "-f", name).Run()
	}
	ecsMs, dockerMs := medianMs(ecsTimes), medianMs(dockerTimes)
	b.ReportMetric(ecsMs, "ms-runtask-to-running")
	b.ReportMetric(dockerMs, "ms-docker-run-d")
	b.ReportMetric(ecsMs/dockerMs, "ratio")
}

type ranTask struct {
	arn  string
	took time.Duration
}

// runToRunning runs a task and polls DescribeTasks until it is RUNNING.
func runToRunning(b *testing.B, addr, input string) ranTask {
	b.Helper()
	start := time.Now()
	out, err := ecsCall(addr, "RunTask", input)
	if err != nil {
		b.Fatal(err)
	}
	tasks := out["tasks"].([]any)
	if len(tasks) == 0 {
		b.Fatalf("RunTask: %v", out)
	}
	arn := tasks[0].(map[string]any)["taskArn"].(string)
	for {
		d, err := ecsCall(addr, "DescribeTasks", fmt.Sprintf(`{"tasks":[%q]}`, arn))
		if err != nil {
			b.Fatal(err)
		}
		t := d["tasks"].([]any)[0].(map[string]any)
		switch t["lastStatus"] {
		case "RUNNING":
			return ranTask{arn: arn, took: time.Since(start)}
		case "STOPPED":
			b.Fatalf("task stopped: %v", t["stoppedReason"])
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func medianMs(d []time.Duration) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return float64(m.Microseconds()) / 1000
}
