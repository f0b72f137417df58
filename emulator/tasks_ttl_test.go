package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
)

// STOPPED tasks are forgotten after the configured time, not before.
func TestStoppedTaskTTLIsConfigurable(t *testing.T) {
	for _, tc := range []struct {
		ttl, keptAt, goneAt time.Duration
	}{
		{ttl: 0, keptAt: 59 * time.Minute, goneAt: time.Hour}, // ECS's hour by default
		{ttl: 5 * time.Minute, keptAt: 4 * time.Minute, goneAt: 5 * time.Minute},
	} {
		fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
		e, err := New(Config{Clock: fake, StoppedTaskTTL: tc.ttl})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: "f",
			ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("c"), Image: ecs.Ptr("i"), Memory: ecs.Ptr(64)}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: "f"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.StopOrphanedTasks("test", nil); err != nil { // no runner: stop it directly
			t.Fatal(err)
		}
		start := fake.Now()
		for _, step := range []struct {
			at   time.Duration
			want int
		}{{tc.keptAt, 1}, {tc.goneAt, 0}} {
			if err := e.reapStoppedTasks(start.Add(step.at), e.cfg.StoppedTaskTTL); err != nil {
				t.Fatal(err)
			}
			if n := e.tasks.Len(); n != step.want {
				t.Errorf("ttl %v: %d tasks after %v, want %d", tc.ttl, n, step.at, step.want)
			}
		}
	}
}

// A deleted revision is purged only once no task that is not STOPPED uses it, as ECS
// does: a running task must still find its task definition.
func TestDeletedRevisionOutlivesItsTasks(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	e, err := New(Config{Clock: fake})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: "f",
		ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("c"), Image: ecs.Ptr("i"), Memory: ecs.Ptr(64)}}}); err != nil {
		t.Fatal(err)
	}
	run, err := e.RunTask(ctx, &ecs.RunTaskInput{TaskDefinition: "f"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeregisterTaskDefinition(ctx, &ecs.TaskDefinitionRef{TaskDefinition: "f:1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteTaskDefinitions(ctx, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"f:1"}}); err != nil {
		t.Fatal(err)
	}
	later := fake.Now().Add(TaskDefinitionDeleteGrace)
	if err := taskdefs.Reap(e.st, later, TaskDefinitionDeleteGrace); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Task(run.Tasks[0].TaskArn); err != nil {
		t.Fatalf("the running task lost its task definition: %v", err)
	}
	if _, err := e.StopOrphanedTasks("test", nil); err != nil { // the task stops
		t.Fatal(err)
	}
	if err := taskdefs.Reap(e.st, later, TaskDefinitionDeleteGrace); err != nil {
		t.Fatal(err)
	}
	if e.taskDefs.Len() != 0 {
		t.Fatalf("revision still stored after its last task stopped")
	}
}
