package agent

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A task whose network is gone stops: before any container started it failed to start
// (ResourceInitializationError), afterwards it stops as on an essential container's
// exit, and the containers still running say why. An essential exit seen at the same
// time is the task's reason.
func TestPlanNetworkLost(t *testing.T) {
	tests := []struct {
		name        string
		containers  []Container
		wantCode    string
		wantReason  string
		wantReasons map[string]string
	}{
		{
			name:        "before any container started",
			containers:  []Container{{Name: "app", Essential: true}},
			wantCode:    ecs.StopTaskFailedToStart,
			wantReason:  "ResourceInitializationError: the task's network namespace is gone: its pause container was removed outside ecsmini",
			wantReasons: map[string]string{},
		},
		{
			name: "while running",
			containers: []Container{{Name: "app", Essential: true, Observed: running(0)},
				{Name: "side", Essential: false, Observed: exited(0)}},
			wantCode:    ecs.StopEssentialContainerExited,
			wantReason:  "Essential container in task exited",
			wantReasons: map[string]string{"app": "the task's network is gone: its pause container was removed outside ecsmini"},
		},
		{
			name:        "an essential container exited too",
			containers:  []Container{{Name: "app", Essential: true, Observed: exited(3)}, {Name: "side", Essential: false, Observed: running(0)}},
			wantCode:    ecs.StopEssentialContainerExited,
			wantReason:  "Essential container in task exited",
			wantReasons: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := PlanTask(Task{Desired: ecs.StatusRunning, Now: t0, Containers: tt.containers, NetworkLost: pauseRemoved})
			if p.Stop == nil || p.Stop.Code != tt.wantCode || p.Stop.Reason != tt.wantReason {
				t.Fatalf("stop %+v, want %s %q\n%s", p.Stop, tt.wantCode, tt.wantReason, p)
			}
			if len(p.Reasons) != len(tt.wantReasons) {
				t.Errorf("reasons %v, want %v", p.Reasons, tt.wantReasons)
			}
			for k, v := range tt.wantReasons {
				if p.Reasons[k] != v {
					t.Errorf("reason of %s %q, want %q", k, p.Reasons[k], v)
				}
			}
			if len(p.Steps) == 0 && anyRunningIn(tt.containers) {
				t.Errorf("no stop steps for the running containers:\n%s", p)
			}
		})
	}
}

func anyRunningIn(cs []Container) bool {
	for _, c := range cs {
		if c.Observed != nil && c.Observed.Status == containers.Running {
			return true
		}
	}
	return false
}

// Adoptable: a task is taken over when one of its containers runs, or one of its own
// containers exited (its exit must be reported); an exited pause container alone, or
// nothing, means its containers are gone.
func TestAdoptable(t *testing.T) {
	c := func(name string, s containers.Status) containers.State {
		return containers.State{Status: s, Labels: map[string]string{LabelContainerName: name}}
	}
	tests := []struct {
		name  string
		found []containers.State
		want  bool
	}{
		{"nothing found", nil, false},
		{"app running", []containers.State{c("app", containers.Running)}, true},
		{"pause running, app not yet created", []containers.State{c(pauseContainerName, containers.Running)}, true},
		{"app exited", []containers.State{c("app", containers.Exited)}, true},
		{"app exited, pause running", []containers.State{c("app", containers.Exited), c(pauseContainerName, containers.Running)}, true},
		{"only the pause container, exited", []containers.State{c(pauseContainerName, containers.Exited)}, false},
		{"app created, never started", []containers.State{c("app", containers.Created)}, false},
		{"unlabelled exited container", []containers.State{c("", containers.Exited)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Adoptable(tt.found); got != tt.want {
				t.Errorf("Adoptable = %v, want %v", got, tt.want)
			}
		})
	}
}
