package taskdef

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var conditions = ecs.EnumContainerCondition.Values

// checkDependsOn applies spec §4.2 to container i's dependencies. A dependency cycle is
// reported once, in the section of the cycle's first container.
func (c *checker) checkDependsOn(i int, name string) {
	cd := &c.in.ContainerDefinitions[i]
	for _, d := range cd.DependsOn {
		if d.ContainerName == name && name != "" {
			c.p.add(containerInvalid(name, "A container cannot depend on itself."))
			continue
		}
		target := c.container(d.ContainerName)
		if target == nil {
			c.p.add(fmt.Sprintf(msgDependMissing, d.ContainerName))
			continue
		}
		switch d.Condition {
		case ecs.ConditionComplete, ecs.ConditionSuccess:
			if target.IsEssential() {
				c.p.add(msgDependEssential)
			}
		case ecs.ConditionHealthy:
			if target.HealthCheck == nil {
				c.p.add(msgDependHealthy)
			}
		case ecs.ConditionStart:
		default:
			c.p.add(containerInvalid(name, "%s", invalidValue("dependsOn condition", d.Condition, conditions...)))
		}
	}
	if cycle := c.cycleFrom(i); cycle != nil {
		c.p.add(containerInvalid(name, "Container dependencies form a cycle: %s.", strings.Join(cycle, " -> ")))
	}
}

// cycleFrom returns the dependency cycle through container start whose members all have
// a higher index than start (so each cycle is found exactly once), as names from start
// back to start; or nil.
func (c *checker) cycleFrom(start int) []string {
	defs := c.in.ContainerDefinitions
	if c.index[ecs.Deref(defs[start].Name)] != start {
		return nil // unnamed or a duplicate name: dependencies cannot point at it
	}
	visited := map[int]bool{}
	var path []int
	var walk func(at int) bool
	walk = func(at int) bool {
		path = append(path, at)
		for _, d := range defs[at].DependsOn {
			next, ok := c.index[d.ContainerName]
			if !ok || next == at || next < start {
				continue
			}
			if next == start {
				path = append(path, start)
				return true
			}
			if visited[next] {
				continue
			}
			visited[next] = true
			if walk(next) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if !walk(start) {
		return nil
	}
	names := make([]string, len(path))
	for k, idx := range path {
		names[k] = ecs.Deref(defs[idx].Name)
	}
	return names
}
