package agent

import (
	"reflect"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestPortBindingsForThePauseContainer(t *testing.T) {
	cd := &ecs.ContainerDefinition{PortMappings: []ecs.PortMapping{{ContainerPort: intp(8080), HostPort: intp(8080)}, {ContainerPortRange: strp("7000-7001")}}}
	got, err := PortBindings(cd, ecs.NetworkAwsvpc, "127.0.0.1")
	want := []containers.PortBinding{
		{ContainerPort: 8080, Protocol: "tcp", HostIP: "127.0.0.1"},
		{ContainerPort: 7000, Protocol: "tcp", HostIP: "127.0.0.1"},
		{ContainerPort: 7001, Protocol: "tcp", HostIP: "127.0.0.1"},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("PortBindings = %+v, %v; want %+v", got, err, want)
	}
}

func TestStopTimeout(t *testing.T) {
	tests := []struct {
		cd         *ecs.ContainerDefinition
		launchType string
		want       time.Duration
	}{
		{nil, ecs.LaunchEC2, 30 * time.Second},
		{&ecs.ContainerDefinition{}, ecs.LaunchFargate, 30 * time.Second},
		{&ecs.ContainerDefinition{StopTimeout: intp(0)}, ecs.LaunchEC2, 30 * time.Second},
		{&ecs.ContainerDefinition{StopTimeout: intp(2)}, ecs.LaunchFargate, 2 * time.Second},
		{&ecs.ContainerDefinition{StopTimeout: intp(120)}, ecs.LaunchFargate, 120 * time.Second},
		{&ecs.ContainerDefinition{StopTimeout: intp(600)}, ecs.LaunchFargate, 120 * time.Second},
		{&ecs.ContainerDefinition{StopTimeout: intp(600)}, ecs.LaunchEC2, 600 * time.Second},
	}
	for _, tt := range tests {
		if got := StopTimeout(tt.cd, tt.launchType); got != tt.want {
			t.Errorf("StopTimeout(%v, %s) = %s, want %s", ecs.Deref(ecs.Deref(tt.cd).StopTimeout), tt.launchType, got, tt.want)
		}
	}
}
