package agent

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A container that is created but cannot start (its static host port is taken) stays
// "created" in the runtime; the task must still end STOPPED with ECS's reason, not wait
// for that container to exit.
func TestStartFailureEndsStopped(t *testing.T) {
	e := newPrepEnv(t, nil)
	hold, err := e.rt.Runtime.Create(t.Context(), containers.Spec{Name: "holder", Image: "busybox", NetworkMode: "bridge",
		Ports: []containers.PortBinding{{ContainerPort: 80, HostPort: 8080, HostIP: "127.0.0.1"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.rt.Runtime.Start(t.Context(), hold); err != nil {
		t.Fatal(err)
	}
	app := container("app")
	app.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(8080)}}
	arn := e.run(taskDef(app), nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	if task.StopCode != ecs.StopTaskFailedToStart || !strings.HasPrefix(task.StoppedReason, "CannotStartContainerError: ") {
		t.Errorf("stopped with %s %q, want TaskFailedToStart CannotStartContainerError", task.StopCode, task.StoppedReason)
	}
	if left, _ := e.rt.List(t.Context(), map[string]string{LabelTaskARN: arn}); len(left) != 0 {
		t.Errorf("containers left: %+v", left)
	}
}
