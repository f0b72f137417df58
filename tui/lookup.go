package tui

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// task finds a task of the current cluster by ARN.
func (m Model) task(arn string) *ecs.Task {
	c := m.cluster()
	if c == nil || arn == "" {
		return nil
	}
	for _, t := range c.Tasks {
		if t.TaskArn == arn {
			return t
		}
	}
	return nil
}

// service finds a service of the current cluster by name.
func (m Model) service(name string) *ecs.Service {
	c := m.cluster()
	if c == nil || name == "" {
		return nil
	}
	for _, s := range c.Services {
		if s.ServiceName == name {
			return s
		}
	}
	return nil
}

// instance finds a container instance of the current cluster by ARN.
func (m Model) instance(arn string) *Instance {
	c := m.cluster()
	if c == nil || arn == "" {
		return nil
	}
	for i := range c.Instances {
		if c.Instances[i].ARN == arn {
			return &c.Instances[i]
		}
	}
	return nil
}

// serviceTasks are the tasks a service started (group "service:NAME").
func serviceTasks(c *ClusterState, name string) []*ecs.Task {
	var out []*ecs.Task
	group := "service:" + name
	for _, t := range c.Tasks {
		if t.Group == group {
			out = append(out, t)
		}
	}
	return out
}

// shortID is the first 8 characters of a task's ID, as ecsmini ps shows it.
func shortID(arn string) string {
	id := Name(arn)
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// family is "family:revision" of a task definition ARN.
func family(arn string) string { return Name(arn) }

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// matches reports whether a row contains the filter, ignoring case.
func matches(r row, filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	for _, c := range r {
		if strings.Contains(strings.ToLower(c.text), f) {
			return true
		}
	}
	return false
}
