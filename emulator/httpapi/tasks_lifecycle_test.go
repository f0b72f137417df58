package httpapi_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// The task lifecycle on the simulated runtime and the fake clock, through the SDK
// (spec: ecs-tasks-and-fargate §1 and §4).

var (
	taskARNRE      = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:task/work/([0-9a-f]{32})$`)
	containerARNRE = regexp.MustCompile(`^arn:aws:ecs:us-east-1:000000000000:container/work/([0-9a-f]{32})/[0-9a-f-]{36}$`)
)

func TestTaskRunsThroughLifecycle(t *testing.T) {
	e := newTaskEnv(t)
	e.createCluster(t, "work")
	e.clock.Advance(time.Minute) // createdAt must be the RunTask time, not the start
	tk := e.runOne(t, "work", ec2Def("web", cdef("app", 128, nil), cdef("sidecar", 64, nil)))

	m := taskARNRE.FindStringSubmatch(aws.ToString(tk.TaskArn))
	if m == nil {
		t.Fatalf("taskArn %q", aws.ToString(tk.TaskArn))
	}
	switch {
	case aws.ToString(tk.LastStatus) != "PROVISIONING", aws.ToString(tk.DesiredStatus) != "RUNNING":
		t.Fatalf("RunTask answered %s/%s, want PROVISIONING/RUNNING", aws.ToString(tk.LastStatus), aws.ToString(tk.DesiredStatus))
	case tk.Version != 1:
		t.Errorf("version %d, want 1", tk.Version)
	case tk.CreatedAt == nil || !tk.CreatedAt.Equal(testStart.Add(time.Minute)):
		t.Errorf("createdAt %v, want %v", tk.CreatedAt, testStart.Add(time.Minute))
	case aws.ToString(tk.Group) != "family:web":
		t.Errorf("group %q", aws.ToString(tk.Group))
	case tk.StartedAt != nil || tk.PullStartedAt != nil || tk.StoppedAt != nil:
		t.Errorf("RunTask answer has lifecycle timestamps: %+v", tk)
	case len(tk.Containers) != 2:
		t.Fatalf("containers %d", len(tk.Containers))
	}
	for _, c := range tk.Containers {
		cm := containerARNRE.FindStringSubmatch(aws.ToString(c.ContainerArn))
		switch {
		case cm == nil || cm[1] != m[1]:
			t.Errorf("containerArn %q does not name task %s", aws.ToString(c.ContainerArn), m[1])
		case aws.ToString(c.LastStatus) != "PENDING":
			t.Errorf("container %s lastStatus %q, want PENDING", aws.ToString(c.Name), aws.ToString(c.LastStatus))
		case aws.ToString(c.TaskArn) != aws.ToString(tk.TaskArn):
			t.Errorf("container taskArn %q", aws.ToString(c.TaskArn))
		}
	}

	arn := aws.ToString(tk.TaskArn)
	running := e.watchVersions(t, arn, "RUNNING")
	switch {
	case running.StartedAt == nil, running.PullStartedAt == nil, running.PullStoppedAt == nil, running.ConnectivityAt == nil:
		t.Fatalf("RUNNING task lacks timestamps:\n%+v", running)
	case running.PullStartedAt.After(*running.PullStoppedAt):
		t.Errorf("pullStartedAt %v after pullStoppedAt %v", running.PullStartedAt, running.PullStoppedAt)
	case running.PullStoppedAt.After(*running.StartedAt), running.CreatedAt.After(*running.PullStartedAt):
		t.Errorf("timestamps out of order: created %v pull %v–%v started %v", running.CreatedAt, running.PullStartedAt, running.PullStoppedAt, running.StartedAt)
	case running.Version <= 2:
		t.Errorf("version %d after PROVISIONING → PENDING → RUNNING", running.Version)
	case running.Connectivity != types.ConnectivityConnected:
		t.Errorf("connectivity %q", running.Connectivity)
	case aws.ToString(running.DesiredStatus) != "RUNNING":
		t.Errorf("desiredStatus %q", aws.ToString(running.DesiredStatus))
	}
	for _, c := range running.Containers {
		st := e.inspect(t, c)
		switch {
		case aws.ToString(c.LastStatus) != "RUNNING":
			t.Errorf("container %s lastStatus %q", aws.ToString(c.Name), aws.ToString(c.LastStatus))
		case st.Status != containers.Running:
			t.Errorf("container %s is %s in the runtime", aws.ToString(c.Name), st.Status)
		case aws.ToString(c.ImageDigest) == "":
			t.Errorf("container %s has no imageDigest", aws.ToString(c.Name))
		case c.ExitCode != nil:
			t.Errorf("running container %s has exitCode %d", aws.ToString(c.Name), *c.ExitCode)
		}
	}
}

// watchVersions polls the task until its lastStatus is want, failing if a version is
// ever seen twice with different contents or goes backwards: ECS increments the version
// on every change.
func (e *taskEnv) watchVersions(t *testing.T, arn, want string) *types.Task {
	t.Helper()
	seen := map[int64]string{}
	var highest int64
	return e.eventually(t, arn, want, func(tk *types.Task) bool {
		shown := summary(tk) + fmt.Sprint(tk.StartedAt, tk.PullStartedAt, tk.PullStoppedAt, tk.ConnectivityAt, tk.Attachments)
		if prev, ok := seen[tk.Version]; ok && prev != shown {
			t.Fatalf("version %d seen with two contents:\n%s\n%s", tk.Version, prev, shown)
		}
		if tk.Version < highest {
			t.Fatalf("version went back from %d to %d", highest, tk.Version)
		}
		seen[tk.Version], highest = shown, tk.Version
		return aws.ToString(tk.LastStatus) == want
	})
}

func TestEssentialContainerExitStopsTask(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runOne(t, "", ec2Def("batch",
		cdef("app", 128, map[string]string{"exit-code": "3", "exit-after": "5s"}),
		withEssential(cdef("logger", 64, nil), false)))
	arn := aws.ToString(tk.TaskArn)
	running := e.status(t, arn, "RUNNING")

	e.clock.Advance(5*time.Second - time.Millisecond)
	e.stillAfter(t, arn, "RUNNING before the exit", func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "RUNNING" })
	e.clock.Advance(time.Millisecond)
	stopped := e.status(t, arn, "STOPPED")
	exitAt := running.StartedAt.Add(5 * time.Second)
	app, logger := container(t, stopped, "app"), container(t, stopped, "logger")
	switch {
	case stopped.StopCode != types.TaskStopCodeEssentialContainerExited:
		t.Errorf("stopCode %q", stopped.StopCode)
	case aws.ToString(stopped.StoppedReason) != "Essential container in task exited":
		t.Errorf("stoppedReason %q", aws.ToString(stopped.StoppedReason))
	case aws.ToString(stopped.DesiredStatus) != "STOPPED":
		t.Errorf("desiredStatus %q", aws.ToString(stopped.DesiredStatus))
	case app.ExitCode == nil || *app.ExitCode != 3:
		t.Errorf("app exitCode %v, want 3", app.ExitCode)
	case aws.ToString(app.LastStatus) != "STOPPED", aws.ToString(logger.LastStatus) != "STOPPED":
		t.Errorf("containers not STOPPED:\n%s", summary(stopped))
	case logger.ExitCode == nil || *logger.ExitCode != 0:
		t.Errorf("logger exitCode %v, want 0 (stopped by SIGTERM)", logger.ExitCode)
	case stopped.ExecutionStoppedAt == nil || !stopped.ExecutionStoppedAt.Equal(exitAt):
		t.Errorf("executionStoppedAt %v, want %v", stopped.ExecutionStoppedAt, exitAt)
	case stopped.StoppingAt == nil || stopped.StoppedAt == nil || stopped.StoppedAt.Before(*stopped.ExecutionStoppedAt):
		t.Errorf("stoppingAt %v stoppedAt %v", stopped.StoppingAt, stopped.StoppedAt)
	case stopped.Version <= running.Version:
		t.Errorf("version %d not above RUNNING's %d", stopped.Version, running.Version)
	}
	e.wantHistory(t, arn, []string{"app start", "logger start", "app die", "logger die"}, "start", "die")
}

func TestNonEssentialExitKeepsTaskRunning(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runOne(t, "", ec2Def("web",
		cdef("app", 128, nil),
		withEssential(cdef("migrate", 64, map[string]string{"exit-code": "1", "exit-after": "2s"}), false)))
	arn := aws.ToString(tk.TaskArn)
	e.status(t, arn, "RUNNING")
	e.clock.Advance(2 * time.Second)
	e.eventually(t, arn, "with migrate exited", func(tk *types.Task) bool {
		return aws.ToString(container(t, tk, "migrate").LastStatus) == "STOPPED"
	})
	got := e.stillAfter(t, arn, "RUNNING", func(tk *types.Task) bool {
		return aws.ToString(tk.LastStatus) == "RUNNING" && aws.ToString(tk.DesiredStatus) == "RUNNING"
	})
	if c := container(t, got, "migrate"); c.ExitCode == nil || *c.ExitCode != 1 {
		t.Errorf("migrate exitCode %v, want 1", c.ExitCode)
	}
	if c := container(t, got, "app"); aws.ToString(c.LastStatus) != "RUNNING" {
		t.Errorf("app %q, want RUNNING", aws.ToString(c.LastStatus))
	}
}

func withEssential(cd types.ContainerDefinition, essential bool) types.ContainerDefinition {
	cd.Essential = aws.Bool(essential)
	return cd
}

func TestStopTask(t *testing.T) {
	for _, tc := range []struct {
		name, reason, want string
	}{
		{"default reason", "", "Task stopped by user"},
		{"given reason", "rolling the fleet", "rolling the fleet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTaskEnv(t)
			tk := e.runOne(t, "", ec2Def("web", cdef("app", 128, nil)))
			arn := aws.ToString(tk.TaskArn)
			e.status(t, arn, "RUNNING")
			e.clock.Advance(time.Minute)
			in := &sdkecs.StopTaskInput{Task: aws.String(arn)}
			if tc.reason != "" {
				in.Reason = aws.String(tc.reason)
			}
			out := must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), in))
			switch {
			case aws.ToString(out.Task.DesiredStatus) != "STOPPED":
				t.Errorf("StopTask answered desiredStatus %q", aws.ToString(out.Task.DesiredStatus))
			case out.Task.StopCode != types.TaskStopCodeUserInitiated:
				t.Errorf("stopCode %q", out.Task.StopCode)
			case aws.ToString(out.Task.StoppedReason) != tc.want:
				t.Errorf("stoppedReason %q, want %q", aws.ToString(out.Task.StoppedReason), tc.want)
			case out.Task.StoppingAt == nil || !out.Task.StoppingAt.Equal(testStart.Add(time.Minute)):
				t.Errorf("stoppingAt %v", out.Task.StoppingAt)
			}
			stopped := e.status(t, arn, "STOPPED")
			if c := stopped.Containers[0]; c.ExitCode == nil || *c.ExitCode != 0 {
				t.Errorf("exitCode %v, want 0 after SIGTERM", c.ExitCode)
			}
			if stopped.StopCode != types.TaskStopCodeUserInitiated || aws.ToString(stopped.StoppedReason) != tc.want {
				t.Errorf("STOPPED task: %s / %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
			}

			// Stopping it again changes nothing, whatever the reason.
			again := must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn), Reason: aws.String("again")}))
			if summary(again.Task) != summary(stopped) || aws.ToString(again.Task.LastStatus) != "STOPPED" {
				t.Errorf("second StopTask changed the task:\n%s\nwas\n%s", summary(again.Task), summary(stopped))
			}
			if now := e.describe(t, arn); now.Version != stopped.Version {
				t.Errorf("version %d after a second StopTask, was %d", now.Version, stopped.Version)
			}
		})
	}
}

func TestStopTimeoutKillsIgnoringContainer(t *testing.T) {
	for _, tc := range []struct {
		name     string
		labels   map[string]string
		wait     time.Duration // fake time a STOPPED task needs
		wantExit int32
	}{
		{"ignores SIGTERM", map[string]string{"ignore-sigterm": "true"}, 10 * time.Second, 137},
		{"honours SIGTERM", nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTaskEnv(t)
			cd := cdef("app", 128, tc.labels)
			cd.StopTimeout = aws.Int32(10)
			tk := e.runOne(t, "", ec2Def("stubborn", cd))
			arn := aws.ToString(tk.TaskArn)
			e.status(t, arn, "RUNNING")
			before := e.clock.Pending()
			must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn)}))
			if tc.wait == 0 {
				stopped := e.status(t, arn, "STOPPED") // no fake time passes
				if c := stopped.Containers[0]; c.ExitCode == nil || *c.ExitCode != tc.wantExit {
					t.Errorf("exitCode %v, want %d", c.ExitCode, tc.wantExit)
				}
				return
			}
			e.waitTimers(t, before+1) // the kill after the stop timeout is armed
			e.clock.Advance(tc.wait - time.Second)
			e.stillAfter(t, arn, "not STOPPED before the stop timeout", func(tk *types.Task) bool {
				return aws.ToString(tk.LastStatus) != "STOPPED" && aws.ToString(tk.Containers[0].LastStatus) == "RUNNING"
			})
			if got := aws.ToString(e.describe(t, arn).LastStatus); got != "STOPPING" {
				t.Errorf("lastStatus %q while waiting for the kill, want STOPPING", got)
			}
			e.clock.Advance(2 * time.Second)
			stopped := e.status(t, arn, "STOPPED")
			c := stopped.Containers[0]
			if c.ExitCode == nil || *c.ExitCode != tc.wantExit {
				t.Errorf("exitCode %v, want %d", c.ExitCode, tc.wantExit)
			}
			if d := stopped.StoppedAt.Sub(*stopped.StoppingAt); d < tc.wait {
				t.Errorf("stopped %s after stoppingAt, want ≥ %s", d, tc.wait)
			}
		})
	}
}

func TestOutOfMemoryKill(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runOne(t, "", ec2Def("hungry", cdef("app", 32, map[string]string{"allocate-mib": "128"})))
	arn := aws.ToString(tk.TaskArn)
	e.status(t, arn, "RUNNING")
	e.clock.Advance(time.Second)
	stopped := e.status(t, arn, "STOPPED")
	c := stopped.Containers[0]
	switch {
	case aws.ToString(c.Reason) != "OutOfMemoryError: Container killed due to memory usage":
		t.Errorf("container reason %q", aws.ToString(c.Reason))
	case c.ExitCode == nil || *c.ExitCode != 137:
		t.Errorf("exitCode %v, want 137", c.ExitCode)
	case stopped.StopCode != types.TaskStopCodeEssentialContainerExited:
		t.Errorf("stopCode %q", stopped.StopCode)
	}
	e.wantHistory(t, arn, []string{"app start", "app oom", "app die"}, "start", "oom", "die")
}

func TestMissingImageFailsToStart(t *testing.T) {
	const image = "registry.example.com/team/app:gone"
	e := newTaskEnv(t, image)
	cd := cdef("app", 128, nil)
	cd.Image = aws.String(image)
	tk := e.runOne(t, "", ec2Def("absent", cdef("sidecar", 64, nil), cd))
	arn := aws.ToString(tk.TaskArn)
	var statuses []string
	stopped := e.eventually(t, arn, "STOPPED", func(tk *types.Task) bool {
		if s := aws.ToString(tk.LastStatus); len(statuses) == 0 || statuses[len(statuses)-1] != s {
			statuses = append(statuses, s)
		}
		return aws.ToString(tk.LastStatus) == "STOPPED"
	})
	for _, s := range statuses {
		if s == "RUNNING" {
			t.Errorf("task went through RUNNING: %v", statuses)
		}
	}
	switch {
	case stopped.StopCode != types.TaskStopCodeTaskFailedToStart:
		t.Errorf("stopCode %q", stopped.StopCode)
	case !strings.HasPrefix(aws.ToString(stopped.StoppedReason), "CannotPullContainerError"):
		t.Errorf("stoppedReason %q", aws.ToString(stopped.StoppedReason))
	case !strings.Contains(aws.ToString(stopped.StoppedReason), image):
		t.Errorf("stoppedReason %q does not name the image", aws.ToString(stopped.StoppedReason))
	case stopped.StartedAt != nil:
		t.Errorf("startedAt %v on a task that never started", stopped.StartedAt)
	case stopped.StoppedAt == nil || stopped.ExecutionStoppedAt == nil:
		t.Errorf("stoppedAt %v executionStoppedAt %v", stopped.StoppedAt, stopped.ExecutionStoppedAt)
	}
	for _, c := range stopped.Containers {
		if aws.ToString(c.LastStatus) != "STOPPED" {
			t.Errorf("container %s %q", aws.ToString(c.Name), aws.ToString(c.LastStatus))
		}
	}
	if r := aws.ToString(container(t, stopped, "app").Reason); !strings.HasPrefix(r, "CannotPullContainerError") {
		t.Errorf("app reason %q", r)
	}
	// The image of sidecar was there: the pull error is app's, not its.
	if r := aws.ToString(container(t, stopped, "sidecar").Reason); r != "" {
		t.Errorf("sidecar reason %q, want none", r)
	}
	if h := e.history(arn, "start"); len(h) != 0 {
		t.Errorf("containers started: %v", h)
	}
}

// healthCheck is a task definition health check probing every 5 s, failing once
// counts (the sim's health label decides the result).
func healthCheck() *types.HealthCheck {
	return &types.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"},
		Interval: aws.Int32(5), Timeout: aws.Int32(2), Retries: aws.Int32(1)}
}

func dependsOn(cd types.ContainerDefinition, on string, cond types.ContainerCondition) types.ContainerDefinition {
	cd.DependsOn = append(cd.DependsOn, types.ContainerDependency{ContainerName: aws.String(on), Condition: cond})
	return cd
}

func TestDependsOn(t *testing.T) {
	healthyDB := cdef("db", 128, map[string]string{"health": "healthy"})
	healthyDB.HealthCheck = healthCheck()
	unhealthyDB := cdef("db", 128, map[string]string{"health": "unhealthy"})
	unhealthyDB.HealthCheck = healthCheck()
	for _, tc := range []struct {
		name string
		dep  types.ContainerDefinition
		cond types.ContainerCondition
		// advance is the fake time after which the dependency is met or failed.
		advance time.Duration
		// history is the runtime's start/die order once the task settled.
		history  []string
		wantStop string // "" when the task must reach RUNNING; else its stoppedReason prefix
	}{
		{"START", cdef("db", 128, nil), types.ContainerConditionStart, 0,
			[]string{"db start", "app start"}, ""},
		{"COMPLETE with exit 1", withEssential(cdef("db", 128, map[string]string{"exit-after": "2s", "exit-code": "1"}), false),
			types.ContainerConditionComplete, 2 * time.Second, []string{"db start", "db die", "app start"}, ""},
		{"SUCCESS", withEssential(cdef("db", 128, map[string]string{"exit-after": "2s"}), false),
			types.ContainerConditionSuccess, 2 * time.Second, []string{"db start", "db die", "app start"}, ""},
		{"SUCCESS with exit 1", withEssential(cdef("db", 128, map[string]string{"exit-after": "2s", "exit-code": "1"}), false),
			types.ContainerConditionSuccess, 2 * time.Second, []string{"db start", "db die"}, "DependencyError"},
		{"HEALTHY", healthyDB, types.ContainerConditionHealthy, 5 * time.Second,
			[]string{"db start", "db health", "app start"}, ""},
		{"HEALTHY but unhealthy", unhealthyDB, types.ContainerConditionHealthy, 5 * time.Second,
			[]string{"db start", "db health", "db die"}, "DependencyError"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTaskEnv(t)
			tk := e.runOne(t, "", ec2Def("deps", dependsOn(cdef("app", 128, nil), "db", tc.cond), tc.dep))
			arn := aws.ToString(tk.TaskArn)
			if tc.advance > 0 {
				// app waits for db: the task stays PENDING with app not created.
				e.eventually(t, arn, "with db running", func(tk *types.Task) bool {
					return aws.ToString(container(t, tk, "db").LastStatus) == "RUNNING"
				})
				e.stillAfter(t, arn, "PENDING with app waiting", func(tk *types.Task) bool {
					app := container(t, tk, "app")
					return aws.ToString(tk.LastStatus) == "PENDING" && aws.ToString(app.LastStatus) == "PENDING" && app.RuntimeId == nil
				})
				e.clock.Advance(tc.advance - time.Millisecond)
				e.stillAfter(t, arn, "PENDING until the dependency settles", func(tk *types.Task) bool {
					return aws.ToString(tk.LastStatus) == "PENDING"
				})
				e.clock.Advance(time.Millisecond)
			}
			if tc.wantStop == "" {
				running := e.status(t, arn, "RUNNING")
				if aws.ToString(container(t, running, "app").LastStatus) != "RUNNING" {
					t.Errorf("app not RUNNING:\n%s", summary(running))
				}
				e.wantHistory(t, arn, tc.history, "start", "die", "health")
				return
			}
			stopped := e.status(t, arn, "STOPPED")
			switch {
			case stopped.StopCode != types.TaskStopCodeTaskFailedToStart:
				t.Errorf("stopCode %q:\n%s", stopped.StopCode, summary(stopped))
			case !strings.HasPrefix(aws.ToString(stopped.StoppedReason), tc.wantStop):
				t.Errorf("stoppedReason %q, want prefix %q", aws.ToString(stopped.StoppedReason), tc.wantStop)
			case stopped.StartedAt != nil:
				t.Errorf("startedAt %v: the task ran", stopped.StartedAt)
			case container(t, stopped, "app").RuntimeId != nil:
				t.Errorf("app was created:\n%s", summary(stopped))
			}
			e.wantHistory(t, arn, tc.history, "start", "die", "health")
		})
	}
}

func TestDependsOnStartTimeout(t *testing.T) {
	e := newTaskEnv(t)
	db := cdef("db", 128, map[string]string{"health": "healthy"})
	db.HealthCheck = healthCheck()
	db.HealthCheck.Interval = aws.Int32(30) // the first probe comes too late
	db.StartTimeout = aws.Int32(3)
	tk := e.runOne(t, "", ec2Def("slow", dependsOn(cdef("app", 128, nil), "db", types.ContainerConditionHealthy), db))
	arn := aws.ToString(tk.TaskArn)
	e.eventually(t, arn, "with db running", func(tk *types.Task) bool {
		return aws.ToString(container(t, tk, "db").LastStatus) == "RUNNING"
	})
	stopped, passed := e.advanceUntil(t, arn, "failed", time.Second, 10*time.Second, func(tk *types.Task) bool {
		return aws.ToString(tk.DesiredStatus) == "STOPPED"
	})
	if passed < 3*time.Second {
		t.Errorf("failed after %s of fake time, before db's startTimeout of 3s", passed)
	}
	if got := stopped.StoppingAt.Sub(*stopped.CreatedAt); got < 3*time.Second || got > 5*time.Second {
		t.Errorf("stoppingAt %s after createdAt, want about 3s", got)
	}
	stopped = e.status(t, arn, "STOPPED")
	if stopped.StopCode != types.TaskStopCodeTaskFailedToStart || !strings.Contains(aws.ToString(stopped.StoppedReason), "timed out") {
		t.Errorf("stop %s %q", stopped.StopCode, aws.ToString(stopped.StoppedReason))
	}
	e.wantHistory(t, arn, []string{"db start", "db die"}, "start", "die", "health")
}

func TestStopOrderReversesDependencies(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runOne(t, "", ec2Def("chain",
		dependsOn(cdef("web", 64, nil), "api", types.ContainerConditionStart),
		dependsOn(cdef("api", 64, nil), "db", types.ContainerConditionStart),
		cdef("db", 64, nil)))
	arn := aws.ToString(tk.TaskArn)
	e.status(t, arn, "RUNNING")
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn)}))
	e.status(t, arn, "STOPPED")
	e.wantHistory(t, arn, []string{"db start", "api start", "web start", "web die", "api die", "db die"}, "start", "die")
}

func TestTaskHealth(t *testing.T) {
	checked := func(name, health string) types.ContainerDefinition {
		cd := cdef(name, 64, map[string]string{"health": health})
		cd.HealthCheck = healthCheck()
		return cd
	}
	for _, tc := range []struct {
		name       string
		containers []types.ContainerDefinition
		want       types.HealthStatus
		// wantContainers is each container's healthStatus after the first probe.
		wantContainers map[string]types.HealthStatus
	}{
		{"all healthy", []types.ContainerDefinition{checked("a", "healthy"), checked("b", "healthy")},
			types.HealthStatusHealthy, map[string]types.HealthStatus{"a": "HEALTHY", "b": "HEALTHY"}},
		{"one unhealthy", []types.ContainerDefinition{checked("a", "healthy"), checked("b", "unhealthy")},
			types.HealthStatusUnhealthy, map[string]types.HealthStatus{"a": "HEALTHY", "b": "UNHEALTHY"}},
		{"unchecked essential ignored", []types.ContainerDefinition{checked("a", "healthy"), cdef("b", 64, nil)},
			types.HealthStatusHealthy, map[string]types.HealthStatus{"a": "HEALTHY", "b": "UNKNOWN"}},
		{"non-essential unhealthy ignored", []types.ContainerDefinition{checked("a", "healthy"), withEssential(checked("b", "unhealthy"), false)},
			types.HealthStatusHealthy, map[string]types.HealthStatus{"a": "HEALTHY", "b": "UNHEALTHY"}},
		{"no checks", []types.ContainerDefinition{cdef("a", 64, nil)},
			types.HealthStatusUnknown, map[string]types.HealthStatus{"a": "UNKNOWN"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTaskEnv(t)
			tk := e.runOne(t, "", ec2Def("health", tc.containers...))
			arn := aws.ToString(tk.TaskArn)
			if tk.HealthStatus != types.HealthStatusUnknown {
				t.Errorf("RunTask healthStatus %q, want UNKNOWN", tk.HealthStatus)
			}
			running := e.status(t, arn, "RUNNING")
			if running.HealthStatus != types.HealthStatusUnknown {
				t.Errorf("healthStatus %q before the first probe, want UNKNOWN", running.HealthStatus)
			}
			for _, c := range running.Containers {
				if c.HealthStatus != types.HealthStatusUnknown {
					t.Errorf("container %s healthStatus %q before the first probe, want UNKNOWN", aws.ToString(c.Name), c.HealthStatus)
				}
			}
			e.clock.Advance(5 * time.Second)
			got := e.eventually(t, arn, "health "+string(tc.want), func(tk *types.Task) bool {
				for _, c := range tk.Containers {
					if c.HealthStatus != tc.wantContainers[aws.ToString(c.Name)] {
						return false
					}
				}
				return tk.HealthStatus == tc.want
			})
			if aws.ToString(got.LastStatus) != "RUNNING" {
				t.Errorf("lastStatus %q: health alone never stops a standalone task", aws.ToString(got.LastStatus))
			}
		})
	}
}

func TestAwsvpcTasksGetENIAndDistinctHostPorts(t *testing.T) {
	e := newTaskEnv(t)
	web := cdef("web", 0, nil)
	web.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("site", web, cdef("sidecar", 0, nil))))
	tasks := e.run(t, &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(3),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpcConfig("subnet-0abc")})
	if len(tasks) != 3 {
		t.Fatalf("%d tasks", len(tasks))
	}
	for _, tk := range tasks {
		if len(tk.Attachments) != 1 || aws.ToString(tk.Attachments[0].Type) != "ElasticNetworkInterface" || aws.ToString(tk.Attachments[0].Status) != "PRECREATED" {
			t.Fatalf("RunTask attachments %+v, want one PRECREATED ElasticNetworkInterface", tk.Attachments)
		}
	}
	hostPorts, ips := map[int32]bool{}, map[string]bool{}
	for _, tk := range tasks {
		running := e.status(t, aws.ToString(tk.TaskArn), "RUNNING")
		if running.LaunchType != types.LaunchTypeFargate || aws.ToString(running.PlatformVersion) != "1.4.0" {
			t.Errorf("launchType %q platformVersion %q", running.LaunchType, aws.ToString(running.PlatformVersion))
		}
		att := running.Attachments[0]
		details := map[string]string{}
		for _, d := range att.Details {
			details[aws.ToString(d.Name)] = aws.ToString(d.Value)
		}
		ip := details["privateIPv4Address"]
		switch {
		case aws.ToString(att.Status) != "ATTACHED":
			t.Errorf("attachment status %q", aws.ToString(att.Status))
		case details["subnetId"] != "subnet-0abc":
			t.Errorf("subnetId %q", details["subnetId"])
		case !strings.HasPrefix(details["networkInterfaceId"], "eni-"), details["macAddress"] == "":
			t.Errorf("attachment details %v", details)
		case !regexp.MustCompile(`^\d+\.\d+\.\d+\.\d+$`).MatchString(ip):
			t.Errorf("privateIPv4Address %q", ip)
		case ips[ip]:
			t.Errorf("address %s given to two tasks", ip)
		}
		ips[ip] = true
		for _, c := range running.Containers {
			if len(c.NetworkInterfaces) != 1 || aws.ToString(c.NetworkInterfaces[0].AttachmentId) != aws.ToString(att.Id) ||
				aws.ToString(c.NetworkInterfaces[0].PrivateIpv4Address) != ip {
				t.Errorf("container %s networkInterfaces %+v, want attachment %s at %s", aws.ToString(c.Name), c.NetworkInterfaces, aws.ToString(att.Id), ip)
			}
		}
		b := container(t, running, "web").NetworkBindings
		if len(b) != 1 || aws.ToInt32(b[0].ContainerPort) != 80 || aws.ToInt32(b[0].HostPort) == 0 ||
			aws.ToString(b[0].BindIP) != "127.0.0.1" || b[0].Protocol != types.TransportProtocolTcp {
			t.Fatalf("web networkBindings %+v, want 127.0.0.1:<port> → 80/tcp", b)
		}
		if hostPorts[aws.ToInt32(b[0].HostPort)] {
			t.Errorf("host port %d published twice", aws.ToInt32(b[0].HostPort))
		}
		hostPorts[aws.ToInt32(b[0].HostPort)] = true
	}

	arn := aws.ToString(tasks[0].TaskArn)
	must[*sdkecs.StopTaskOutput](t)(e.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Task: aws.String(arn)}))
	stopped := e.status(t, arn, "STOPPED")
	if aws.ToString(stopped.Attachments[0].Status) != "DELETED" {
		t.Errorf("attachment %q after STOPPED, want DELETED", aws.ToString(stopped.Attachments[0].Status))
	}
	if b := container(t, stopped, "web").NetworkBindings; len(b) != 0 {
		t.Errorf("STOPPED task still has bindings %+v", b)
	}
}

// In an awsvpc task each container reports the bindings of its own portMappings; a
// sidecar without any has none (ECS shows networkBindings per container).
func TestAwsvpcBindingsOnlyForOwnPorts(t *testing.T) {
	e := newTaskEnv(t)
	web := cdef("web", 0, nil)
	web.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
	api := cdef("api", 0, nil)
	api.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080)}}
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), fargateDef("site", web, api, cdef("sidecar", 0, nil))))
	tk := e.run(t, &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: awsvpcConfig("subnet-0abc")})[0]
	running := e.status(t, aws.ToString(tk.TaskArn), "RUNNING")
	for name, want := range map[string][]int32{"web": {80}, "api": {8080}, "sidecar": nil} {
		var got []int32
		for _, b := range container(t, running, name).NetworkBindings {
			got = append(got, aws.ToInt32(b.ContainerPort))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s binds container ports %v, want %v", name, got, want)
		}
	}
}
