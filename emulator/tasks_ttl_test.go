package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
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
