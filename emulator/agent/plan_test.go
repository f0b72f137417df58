package agent

import (
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// state builds an observed container state; started/exited are offsets from t0.
func running(created time.Duration) *containers.State {
	return &containers.State{Status: containers.Running, CreatedAt: t0.Add(created), StartedAt: t0.Add(created)}
}

func exited(code int) *containers.State {
	return &containers.State{Status: containers.Exited, ExitCode: code, CreatedAt: t0, StartedAt: t0, FinishedAt: t0}
}

func withHealth(s *containers.State, h containers.Health) *containers.State {
	s.Health = h
	return s
}

func dep(name, cond string) []ecs.ContainerDependency {
	return []ecs.ContainerDependency{{ContainerName: name, Condition: cond}}
}

func TestPlanTask(t *testing.T) {
	tests := []struct {
		name string
		task Task
		want string
	}{
		{
			name: "fresh task starts containers without dependencies",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "web", Essential: true}, {Name: "log", Essential: false},
			}},
			want: "status PENDING, health UNKNOWN\nstart web: no dependencies\nstart log: no dependencies\n",
		},
		{
			name: "HEALTHY dependency not yet healthy waits",
			task: Task{Desired: ecs.StatusRunning, Now: t0.Add(5 * time.Second), Containers: []Container{
				{Name: "db", Essential: true, HasHealthCheck: true, Observed: withHealth(running(0), containers.HealthStarting)},
				{Name: "web", Essential: true, DependsOn: dep("db", ecs.ConditionHealthy)},
			}},
			want: "status PENDING, health UNKNOWN\nwait web: waiting for db HEALTHY (not yet)\n",
		},
		{
			name: "HEALTHY dependency healthy starts the dependent",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "db", Essential: true, HasHealthCheck: true, Observed: withHealth(running(0), containers.HealthHealthy)},
				{Name: "web", Essential: true, DependsOn: dep("db", ecs.ConditionHealthy)},
			}},
			want: "status PENDING, health HEALTHY\nstart web: dependencies met: db HEALTHY\n",
		},
		{
			name: "START dependency",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "proxy", Essential: true, Observed: running(0)},
				{Name: "app", Essential: true, DependsOn: dep("proxy", ecs.ConditionStart)},
			}},
			want: "status PENDING, health UNKNOWN\nstart app: dependencies met: proxy START\n",
		},
		{
			name: "SUCCESS dependency exited 0 starts the dependent",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "migrate", Essential: false, Observed: exited(0)},
				{Name: "app", Essential: true, DependsOn: dep("migrate", ecs.ConditionSuccess)},
			}},
			want: "status PENDING, health UNKNOWN\nstart app: dependencies met: migrate SUCCESS\n",
		},
		{
			name: "SUCCESS dependency failed fails the task",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "migrate", Essential: false, Observed: exited(2)},
				{Name: "app", Essential: true, DependsOn: dep("migrate", ecs.ConditionSuccess)},
			}},
			want: "status STOPPED, health UNKNOWN\nstop task: TaskFailedToStart: DependencyError: container app cannot start: dependency migrate did not reach SUCCESS (exited with code 2)\n",
		},
		{
			name: "COMPLETE dependency accepts any exit code",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "init", Essential: false, Observed: exited(7)},
				{Name: "app", Essential: true, DependsOn: dep("init", ecs.ConditionComplete)},
			}},
			want: "status PENDING, health UNKNOWN\nstart app: dependencies met: init COMPLETE\n",
		},
		{
			name: "startTimeout of the dependency fails the task",
			task: Task{Desired: ecs.StatusRunning, Now: t0.Add(121 * time.Second), Containers: []Container{
				{Name: "db", Essential: true, HasHealthCheck: true, StartTimeout: 120 * time.Second, Observed: withHealth(running(0), containers.HealthStarting)},
				{Name: "web", Essential: true, DependsOn: dep("db", ecs.ConditionHealthy)},
			}},
			want: "status STOPPING, health UNKNOWN\nstop task: TaskFailedToStart: DependencyError: container web cannot start: dependency db did not reach HEALTHY (timed out after 2m0s)\nstop db (timeout 0s): task stopping\n",
		},
		{
			name: "non-essential container with a failed dependency never starts, task runs on",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "web", Essential: true, Observed: running(0)},
				{Name: "init", Essential: false, Observed: exited(1)},
				{Name: "sidecar", Essential: false, DependsOn: dep("init", ecs.ConditionSuccess)},
			}},
			want: "status RUNNING, health UNKNOWN\nwait sidecar: never: dependency init did not reach SUCCESS (exited with code 1)\n",
		},
		{
			name: "essential exit stops the task, dependents stop first",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "db", Essential: true, StopTimeout: 30 * time.Second, Observed: running(0)},
				{Name: "web", Essential: true, StopTimeout: 30 * time.Second, DependsOn: dep("db", ecs.ConditionStart), Observed: running(time.Second)},
				{Name: "job", Essential: true, Observed: exited(1)},
			}},
			want: "status STOPPING, health UNKNOWN\nstop task: EssentialContainerExited: Essential container in task exited\nstop web (timeout 30s): task stopping\nwait db: stops after web\n",
		},
		{
			name: "non-essential exit does not stop the task",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "web", Essential: true, Observed: running(0)},
				{Name: "helper", Essential: false, Observed: exited(1)},
			}},
			want: "status RUNNING, health UNKNOWN\n",
		},
		{
			name: "StopTask stops everything, never starts the rest",
			task: Task{Desired: ecs.StatusStopped, Containers: []Container{
				{Name: "web", Essential: true, StopTimeout: 120 * time.Second, Observed: running(0)},
				{Name: "late", Essential: true},
			}},
			want: "status STOPPING, health UNKNOWN\nstop web (timeout 2m0s): task stopping\n",
		},
		{
			name: "all stopped",
			task: Task{Desired: ecs.StatusStopped, Containers: []Container{
				{Name: "web", Essential: true, Observed: exited(143)},
			}},
			want: "status STOPPED, health UNKNOWN\n",
		},
		{
			name: "health aggregates essential containers with checks",
			task: Task{Desired: ecs.StatusRunning, Containers: []Container{
				{Name: "a", Essential: true, HasHealthCheck: true, Observed: withHealth(running(0), containers.HealthHealthy)},
				{Name: "b", Essential: true, HasHealthCheck: true, Observed: withHealth(running(0), containers.HealthUnhealthy)},
			}},
			want: "status RUNNING, health UNHEALTHY\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlanTask(tt.task).String(); got != tt.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestPlanRecordsOOMReason(t *testing.T) {
	s := exited(137)
	s.OOMKilled = true
	p := PlanTask(Task{Desired: ecs.StatusRunning, Containers: []Container{{Name: "hog", Essential: true, Observed: s}}})
	if p.Reasons["hog"] != OOMReason || p.Stop == nil || p.Stop.Code != ecs.StopEssentialContainerExited {
		t.Fatalf("plan = %s reasons %v", p, p.Reasons)
	}
	if !strings.Contains(OOMReason, "OutOfMemoryError") {
		t.Fatal("reason must carry ECS's error name")
	}
}

func BenchmarkPlanTask(b *testing.B) {
	task := Task{Desired: ecs.StatusRunning, Now: t0, Containers: []Container{
		{Name: "db", Essential: true, HasHealthCheck: true, Observed: withHealth(running(0), containers.HealthHealthy)},
		{Name: "web", Essential: true, DependsOn: dep("db", ecs.ConditionHealthy), Observed: running(time.Second)},
		{Name: "log", Essential: false, Observed: running(0)},
	}}
	for i := 0; i < b.N; i++ {
		PlanTask(task)
	}
}
