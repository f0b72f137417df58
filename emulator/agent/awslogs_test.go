package agent

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/logs"
)

func TestAWSLogsLabelsMatchCWLogs(t *testing.T) {
	if LabelAWSLogsGroup != cwlogs.LabelGroup || LabelAWSLogsStream != cwlogs.LabelStream || LabelAWSLogsMultiline != cwlogs.LabelMultiline {
		t.Fatal("the agent's awslogs labels differ from the ones cwlogs routes by")
	}
}

// awslogsEnv runs the agent, the logs collector (with CloudWatch Logs as its sink) and
// a Logs service on one simulated runtime and fake clock, as `ecsmini up` wires them.
func newAWSLogsEnv(t *testing.T) (*prepEnv, *cwlogs.Service, *logs.Collector) {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	svc, err := cwlogs.Open(cwlogs.Config{Clock: clk, Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	col := logs.NewCollector(rt, filepath.Join(t.TempDir(), "logs"), clk)
	col.Sink = cwlogs.Sink{Service: svc}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
		PauseImage: "pause", AWSLogs: svc})
	ctx, cancel := context.WithCancel(context.Background())
	go col.Run(ctx)
	<-col.Ready()
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait(); <-col.Done() })
	return &prepEnv{store: store, rt: rt, agent: a}, svc, col
}

func awslogsContainer(name, output string, opts map[string]string) ecs.ContainerDefinition {
	cd := container(name)
	cd.DockerLabels = map[string]string{sim.LabelOutput: output}
	cd.LogConfiguration = &ecs.LogConfiguration{LogDriver: "awslogs", Options: opts}
	return cd
}

func streamMessages(t *testing.T, svc *cwlogs.Service, group, stream string) []string {
	t.Helper()
	out, err := svc.GetLogEvents(&cwlogs.GetLogEventsInput{LogGroupName: group, LogStreamName: stream, StartFromHead: ecs.Ptr(true)})
	if err != nil {
		return nil
	}
	var msgs []string
	for _, e := range out.Events {
		msgs = append(msgs, e.Message)
	}
	return msgs
}

func TestAWSLogsRoutesLinesToTheGroupAndStreamECSNames(t *testing.T) {
	e, svc, col := newAWSLogsEnv(t)
	td := taskDef(
		awslogsContainer("web", "listening on :80\nGET /", map[string]string{
			"awslogs-group": "/ecs/app", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs", "awslogs-create-group": "true"}),
		awslogsContainer("sidecar", "sidecar up", map[string]string{"awslogs-group": "/ecs/app", "awslogs-region": "us-east-1"}),
		func() ecs.ContainerDefinition {
			cd := container("plain")
			cd.DockerLabels = map[string]string{sim.LabelOutput: "not routed"}
			return cd
		}(),
	)
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	id := arn[len(arn)-32:]
	stream := "ecs/web/" + id
	waitUntil(t, col, "web's lines in CloudWatch Logs", func() bool { return len(streamMessages(t, svc, "/ecs/app", stream)) == 2 })
	if got := streamMessages(t, svc, "/ecs/app", stream); !slices.Equal(got, []string{"listening on :80", "GET /"}) {
		t.Fatalf("stream %s has %q", stream, got)
	}
	// Without a prefix the stream is named after the container's runtime ID.
	spec, _ := e.rt.spec("sidecar")
	if spec.Labels[LabelAWSLogsGroup] != "/ecs/app" || spec.Labels[LabelAWSLogsStream] != "" {
		t.Fatalf("sidecar labels %v", spec.Labels)
	}
	task, _, _ := e.store.Task(arn)
	var sidecarID string
	for _, c := range task.Containers {
		if c.Name == "sidecar" {
			sidecarID = c.RuntimeID
		}
	}
	waitUntil(t, col, "sidecar's line", func() bool {
		return slices.Equal(streamMessages(t, svc, "/ecs/app", sidecarID), []string{"sidecar up"})
	})
	out, _ := svc.DescribeLogStreams(&cwlogs.DescribeLogStreamsInput{LogGroupName: "/ecs/app"})
	if len(out.LogStreams) != 2 {
		t.Fatalf("streams %+v: the container without awslogs must not have one", out.LogStreams)
	}
}

func TestAWSLogsMissingGroupFailsTheTask(t *testing.T) {
	e, svc, _ := newAWSLogsEnv(t)
	td := taskDef(awslogsContainer("web", "x", map[string]string{"awslogs-group": "/ecs/none", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}))
	arn := e.run(td, nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	const want = "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1"
	if task.StopCode != ecs.StopTaskFailedToStart || task.StoppedReason != want {
		t.Fatalf("stopped %s %q", task.StopCode, task.StoppedReason)
	}
	if _, ok := e.rt.spec("web"); ok {
		t.Fatal("a container was created")
	}
	// With the group in place the same task definition runs.
	if _, err := svc.CreateLogGroup(&cwlogs.CreateLogGroupInput{LogGroupName: "/ecs/none"}); err != nil {
		t.Fatal(err)
	}
	e.waitStatus(t, e.run(td, nil), ecs.StatusRunning)
}

// waitUntil waits until cond holds, looking again at each change of the collector
// (it copies in its own goroutines and hands the lines to CloudWatch Logs); 10 s of
// real time bound a broken test.
func waitUntil(t *testing.T, col *logs.Collector, what string, cond func() bool) {
	t.Helper()
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		changed := col.Changed()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-limit.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestMetadataShowsTheAWSLogsStream(t *testing.T) {
	a := New(Config{})
	id := "0123456789abcdef0123456789abcdef"
	info := TaskInfo{ID: id}
	opts := map[string]string{"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1"}
	tests := []struct {
		name, prefix, want string
	}{
		{"with a prefix", "ecs", "ecs/app/" + id},
		{"without: the container ID", "", "c0ffee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := map[string]string{}
			for k, v := range opts {
				o[k] = v
			}
			if tt.prefix != "" {
				o["awslogs-stream-prefix"] = tt.prefix
			}
			cd := awslogsContainer("app", "", o)
			td := taskDef(cd)
			ci := a.containerInfo(info, td, ecs.Container{Name: "app", RuntimeID: "c0ffee"})
			if ci.LogOptions["awslogs-stream"] != tt.want || ci.LogOptions["awslogs-group"] != "/ecs/web" {
				t.Fatalf("LogOptions %v", ci.LogOptions)
			}
			if _, ok := cd.LogConfiguration.Options["awslogs-stream"]; ok {
				t.Fatal("the task definition's options were changed")
			}
		})
	}
}

func TestAWSLogsMultilineEvents(t *testing.T) {
	e, svc, col := newAWSLogsEnv(t)
	out := "2026-03-01 12:00:00 ERROR boom\njava.lang.Exception: x\n\tat A.b(A.java:1)\n2026-03-01 12:00:01 INFO fine"
	tests := []struct {
		name string
		opts map[string]string
	}{
		{"multiline pattern", map[string]string{"awslogs-multiline-pattern": `^\d{4}-`}},
		{"datetime format", map[string]string{"awslogs-datetime-format": "%Y-%m-%d %H:%M:%S", "awslogs-multiline-pattern": "ignored"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := map[string]string{"awslogs-group": "/ecs/multi", "awslogs-region": "us-east-1", "awslogs-stream-prefix": fmt.Sprint(i), "awslogs-create-group": "true"}
			maps.Copy(opts, tt.opts)
			arn := e.run(taskDef(awslogsContainer("app", out, opts)), nil)
			stream := fmt.Sprintf("%d/app/%s", i, arn[len(arn)-32:])
			want := []string{"2026-03-01 12:00:00 ERROR boom\njava.lang.Exception: x\n\tat A.b(A.java:1)", "2026-03-01 12:00:01 INFO fine"}
			waitUntil(t, col, "two events", func() bool { return len(streamMessages(t, svc, "/ecs/multi", stream)) >= 2 })
			if got := streamMessages(t, svc, "/ecs/multi", stream); !slices.Equal(got, want) {
				t.Fatalf("events %q", got)
			}
		})
	}
}

func TestDatetimeRegexp(t *testing.T) {
	tests := []struct {
		format, line string
		want         bool
	}{
		{"%Y-%m-%d %H:%M:%S", "2026-03-01 12:00:00 hello", true},
		{"%Y-%m-%d %H:%M:%S", "  at 2026-03-01 12:00:00", false},
		{"[%b %d, %Y %H:%M:%S]", "[May 01, 2017 19:00:01] A message", true},
		{"%Y-%m-%dT%H:%M:%S%z", "2026-03-01T12:00:00+0100 x", true},
		{"%Y-%m-%dT%H:%M:%S.%f", "2026-03-01T12:00:00.123 x", false},
	}
	for _, tt := range tests {
		if got := regexp.MustCompile(datetimeRegexp(tt.format)).MatchString(tt.line); got != tt.want {
			t.Errorf("%s on %q: %v, want %v", tt.format, tt.line, got, tt.want)
		}
	}
}
