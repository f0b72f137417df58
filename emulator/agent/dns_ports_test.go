package agent

import (
	"slices"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestContainerPorts(t *testing.T) {
	pm := func(ports ...int) []ecs.PortMapping {
		var out []ecs.PortMapping
		for _, p := range ports {
			out = append(out, ecs.PortMapping{ContainerPort: ecs.Ptr(p)})
		}
		return out
	}
	for _, tc := range []struct {
		name string
		td   ecs.TaskDefinition
		want []int
	}{
		{"none", ecs.TaskDefinition{ContainerDefinitions: []ecs.ContainerDefinition{{}}}, nil},
		{"two containers, a repeat", ecs.TaskDefinition{ContainerDefinitions: []ecs.ContainerDefinition{
			{PortMappings: pm(8080, 9090)}, {PortMappings: append(pm(8080), ecs.PortMapping{})}}}, []int{8080, 9090}},
	} {
		if got := containerPorts(&tc.td); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
