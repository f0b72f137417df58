package agent

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The metadata endpoint reports a container's desired status as its task's: STOPPED
// once the task is told to stop, as the ECS agent does.
func TestLookupDesiredStatusFollowsTheTask(t *testing.T) {
	arn := "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef"
	store := agenttest.NewStore()
	store.Put(&ecs.Task{TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
		DesiredStatus: ecs.StatusRunning, LastStatus: ecs.StatusRunning, Containers: []ecs.Container{{Name: "web", TaskArn: arn, LastStatus: ecs.ContainerRunning}}},
		taskDef(container("web")))
	a := New(Config{Store: store})
	a.register("tok", arn, "web")
	for _, tc := range []struct {
		desired ecs.TaskStatus
		want    string
	}{{ecs.StatusRunning, ecs.ContainerRunning}, {ecs.StatusStopped, ecs.ContainerStopped}} {
		if _, err := store.UpdateTask(arn, func(t *ecs.Task) error { t.DesiredStatus = tc.desired; return nil }); err != nil {
			t.Fatal(err)
		}
		_, c, ok := a.Lookup("tok")
		if !ok || c.DesiredStatus != tc.want {
			t.Errorf("task desired %v: container DesiredStatus %q (found %v), want %q", tc.desired, c.DesiredStatus, ok, tc.want)
		}
	}
	if _, _, ok := a.Lookup("other"); ok {
		t.Error("an unregistered token must not resolve")
	}
}
