package agent

import (
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// containerPorts are the ports a task's containers listen on, for its DNS table: the
// task's proxy leaves the Service Connect aliases on those ports to the task's own
// servers (see discovery.TableURL).
func containerPorts(td *ecs.TaskDefinition) []int {
	var out []int
	for _, cd := range td.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			if p := ecs.Deref(pm.ContainerPort); p > 0 && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}
