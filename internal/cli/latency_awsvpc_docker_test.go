//go:build docker

package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkAwsvpcRunTaskToRunning is the figure: RunTask of a one-container
// awsvpc (Fargate) task until DescribeTasks says RUNNING, against `docker run -d` of
// the same image, side by side, each the median of b.N runs (ecsmini's awsvpc task is
// two containers, its pause container and the app; the target is at most 1.0×). The
// two alternate which goes first, and each starts on a quiet engine: the previous task
// STOPPED and its containers gone, the pause pool refilled, so that neither is timed
// while the other's work still loads the machine:
//
//	go test -tags docker ./internal/cli -run '^$' -bench AwsvpcRunTaskToRunning -benchtime 15x -count 6
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
	ecsOnce := func() time.Duration {
		r := runToRunning(b, addr, run)
		if _, err := ecsCall(addr, "StopTask", fmt.Sprintf(`{"task":%q}`, r.arn)); err != nil {
			b.Fatal(err)
		}
		awaitStopped(b, addr, r.arn)
		waitQuiet(b, dir)
		return r.took
	}
	dockerOnce := func(i int) time.Duration {
		start := time.Now()
		name := fmt.Sprintf("ecsmini-latency-%d-%d", os.Getpid(), i)
		if out, err := exec.Command("docker", "run", "-d", "--name", name, "--label", "ecsmini.test=1", "-m", "512m", image, "workload").CombinedOutput(); err != nil {
			b.Fatalf("docker run: %v\n%s", err, out)
		}
		took := time.Since(start)
		_ = exec.Command("docker", "rm", "-f", name).Run()
		return took
	}
	// One task first, as a user's first task: the cluster network is made then.
	ecsOnce()
	var ecsTimes, dockerTimes []time.Duration
	for i := 0; i < b.N; i++ {
		if i%2 == 0 {
			ecsTimes = append(ecsTimes, ecsOnce())
			dockerTimes = append(dockerTimes, dockerOnce(i))
		} else {
			dockerTimes = append(dockerTimes, dockerOnce(i))
			ecsTimes = append(ecsTimes, ecsOnce())
		}
	}
	ecsMs, dockerMs := medianMs(ecsTimes), medianMs(dockerTimes)
	b.ReportMetric(ecsMs, "ms-runtask-to-running")
	b.ReportMetric(dockerMs, "ms-docker-run-d")
	b.ReportMetric(ecsMs/dockerMs, "ratio")
}

// awaitStopped polls DescribeTasks until the task is STOPPED.
func awaitStopped(b *testing.B, addr, arn string) {
	b.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		d, err := ecsCall(addr, "DescribeTasks", fmt.Sprintf(`{"tasks":[%q]}`, arn))
		if err != nil {
			b.Fatal(err)
		}
		if d["tasks"].([]any)[0].(map[string]any)["lastStatus"] == "STOPPED" {
			return
		}
	}
	b.Fatalf("task %s not STOPPED within a minute", arn)
}

// waitQuiet waits until the engine holds no task container of the state directory and
// every other container of it (the warm pause containers) runs, unchanged for 300 ms.
func waitQuiet(b *testing.B, stateDir string) {
	b.Helper()
	last, since := "", time.Now()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		out, err := exec.Command("docker", "ps", "-a", "--filter", "label=ecsmini.state-dir="+stateDir,
			"--format", `{{.ID}} {{.State}} {{.Label "com.amazonaws.ecs.task-arn"}}`).CombinedOutput()
		if err != nil {
			b.Fatalf("docker ps: %v\n%s", err, out)
		}
		now := string(out)
		quiet := true
		for _, line := range strings.Split(strings.TrimSpace(now), "\n") {
			if f := strings.Fields(line); len(f) > 0 && (len(f) > 2 || f[1] != "running") {
				quiet = false
			}
		}
		if now != last || !quiet {
			last, since = now, time.Now()
			continue
		}
		if time.Since(since) >= 300*time.Millisecond {
			return
		}
	}
	b.Fatal("the engine did not settle within a minute")
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
