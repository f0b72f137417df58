package anywhere

import (
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func task(arn string, last, desired ecs.TaskStatus) *ecs.Task {
	return &ecs.Task{TaskArn: arn, LastStatus: last, DesiredStatus: desired,
		Containers: []ecs.Container{{Name: "app", LastStatus: ecs.ContainerPending}}}
}

func work(tasks ...*ecs.Task) *emulator.AgentWork {
	w := &emulator.AgentWork{}
	for _, t := range tasks {
		w.Tasks = append(w.Tasks, emulator.AgentTask{Task: t, TaskDefinition: &ecs.TaskDefinition{}})
	}
	return w
}

func TestMerge(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type step struct {
		work       *emulator.AgentWork
		launch     []string
		nudge      []string
		held       []string
		desired    map[string]ecs.TaskStatus
		afterMerge func(s *remoteStore)
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"new tasks are launched once", []step{
			{work: work(task("a", ecs.StatusProvisioning, ecs.StatusRunning)), launch: []string{"a"}, held: []string{"a"}},
			{work: work(task("a", ecs.StatusPending, ecs.StatusRunning)), held: []string{"a"}},
		}},
		{"a stop from ecsmini reaches the runner", []step{
			{work: work(task("a", ecs.StatusRunning, ecs.StatusRunning)), launch: []string{"a"}},
			{work: work(task("a", ecs.StatusRunning, ecs.StatusStopped)), nudge: []string{"a"}, desired: map[string]ecs.TaskStatus{"a": ecs.StatusStopped}},
		}},
		{"a task replaced while away is stopped here and reports nothing", []step{
			{work: work(task("a", ecs.StatusRunning, ecs.StatusRunning)), launch: []string{"a"}},
			{work: work(), nudge: []string{"a"}, held: []string{"a"}, desired: map[string]ecs.TaskStatus{"a": ecs.StatusStopped},
				afterMerge: func(s *remoteStore) {
					if _, err := s.UpdateTask("a", func(t *ecs.Task) error { t.LastStatus = ecs.StatusStopped; return nil }); err != nil {
						panic(err)
					}
				}},
			{work: work(), held: []string{}},
		}},
		{"a finished, reported task is forgotten", []step{
			{work: work(task("a", ecs.StatusRunning, ecs.StatusRunning)), launch: []string{"a"},
				afterMerge: func(s *remoteStore) {
					if _, err := s.UpdateTask("a", func(t *ecs.Task) error { t.LastStatus = ecs.StatusStopped; return nil }); err != nil {
						panic(err)
					}
				}},
			{work: work(), held: []string{"a"}, afterMerge: func(s *remoteStore) {
				for _, r := range s.pending() {
					s.reported(r.task.TaskArn, r.seq)
				}
			}},
			{work: work(), held: []string{}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newRemoteStore()
			for i, st := range tc.steps {
				launch, nudge := s.merge(st.work, now)
				if !slices.Equal(launch, st.launch) || !slices.Equal(nudge, st.nudge) {
					t.Fatalf("step %d: launch %v nudge %v, want %v %v", i, launch, nudge, st.launch, st.nudge)
				}
				if st.held != nil {
					var got []string
					for arn := range s.tasks {
						got = append(got, arn)
					}
					slices.Sort(got)
					if !slices.Equal(got, st.held) && !(len(got) == 0 && len(st.held) == 0) {
						t.Fatalf("step %d: holds %v, want %v", i, got, st.held)
					}
				}
				for arn, want := range st.desired {
					got, _, err := s.Task(arn)
					if err != nil || got.DesiredStatus != want {
						t.Fatalf("step %d: %s desired %v (%v), want %v", i, arn, got, err, want)
					}
				}
				if st.afterMerge != nil {
					st.afterMerge(s)
				}
			}
			if p := s.pending(); len(p) != 0 && tc.name == "a task replaced while away is stopped here and reports nothing" {
				t.Fatalf("a dropped task has reports pending: %+v", p)
			}
		})
	}
}

func TestPendingReportsLatestStateInOrder(t *testing.T) {
	s := newRemoteStore()
	s.merge(work(task("a", ecs.StatusProvisioning, ecs.StatusRunning), task("b", ecs.StatusProvisioning, ecs.StatusRunning)), time.Now())
	set := func(arn string, st ecs.TaskStatus) {
		t.Helper()
		if _, err := s.UpdateTask(arn, func(t *ecs.Task) error { t.LastStatus = st; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	set("b", ecs.StatusPending)
	set("a", ecs.StatusPending)
	set("a", ecs.StatusRunning) // a's latest state replaces its earlier one
	p := s.pending()
	if len(p) != 2 || p[0].task.TaskArn != "b" || p[1].task.TaskArn != "a" || p[1].task.LastStatus != ecs.StatusRunning {
		t.Fatalf("pending %+v", p)
	}
	// A report of an older state does not clear a newer change.
	s.reported("a", p[1].seq-1)
	s.reported("b", p[0].seq)
	left := s.pending()
	if len(left) != 1 || left[0].task.TaskArn != "a" {
		t.Fatalf("after reports: %+v", left)
	}
	in := stateChange("edge", left[0].task)
	if in.Status != "RUNNING" || in.Cluster != "edge" || len(in.Containers) != 1 || in.Containers[0].ContainerName != "app" {
		t.Fatalf("state change %+v", in)
	}
}

// TestPendingCarriesHealthOnlyWhenItChanged: a report carries the containers' health
// only when ecsmini has other (as the poll gave it, or as last reported).
func TestPendingCarriesHealthOnlyWhenItChanged(t *testing.T) {
	s := newRemoteStore()
	polled := task("a", ecs.StatusProvisioning, ecs.StatusRunning)
	polled.Containers[0].HealthStatus = ecs.HealthUnknown
	s.merge(work(polled), time.Now())
	update := func(change func(t *ecs.Task)) report {
		t.Helper()
		if _, err := s.UpdateTask("a", func(t *ecs.Task) error { change(t); return nil }); err != nil {
			t.Fatal(err)
		}
		p := s.pending()
		if len(p) != 1 {
			t.Fatalf("pending %+v", p)
		}
		return p[0]
	}
	healthy := []emulator.AgentContainerHealth{{ContainerName: "app", HealthStatus: ecs.HealthHealthy}}
	steps := []struct {
		name   string
		change func(t *ecs.Task)
		want   []emulator.AgentContainerHealth
	}{
		{"a status change, health as polled", func(t *ecs.Task) { t.LastStatus = ecs.StatusRunning }, nil},
		{"the check passes", func(t *ecs.Task) { t.Containers[0].HealthStatus, t.HealthStatus = ecs.HealthHealthy, ecs.HealthHealthy }, healthy},
		{"health as reported", func(t *ecs.Task) { t.Containers[0].RuntimeID = "c1" }, nil},
	}
	for _, st := range steps {
		r := update(st.change)
		if !slices.Equal(r.health, st.want) {
			t.Fatalf("%s: report carries health %+v, want %+v", st.name, r.health, st.want)
		}
		if r.health != nil {
			s.healthReported("a", r.health)
		}
		s.reported("a", r.seq)
	}
}

func TestToken(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadOrCreateToken(dir)
	if err != nil || len(a) != 64 {
		t.Fatalf("token %q: %v", a, err)
	}
	b, err := LoadOrCreateToken(dir)
	if err != nil || b != a {
		t.Fatalf("second load %q %v, want the same token", b, err)
	}
	for _, tc := range []struct {
		header string
		ok     bool
	}{{"Bearer " + a, true}, {"Bearer " + a[:63], false}, {a, false}, {"", false}, {"Bearer ", false}} {
		if got := validToken(tc.header, a); got != tc.ok {
			t.Errorf("validToken(%q) = %v", tc.header, got)
		}
	}
}
