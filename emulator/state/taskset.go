package state

import (
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TaskSet is a stored task set of an EXTERNAL or CODE_DEPLOY service: the task set as
// DescribeTaskSets shows it, plus what ecsmini's CodeDeploy stand-in remembers.
type TaskSet struct {
	ecs.TaskSet
	// Held marks a CODE_DEPLOY replacement task set whose production traffic has not
	// yet shifted: its tasks run but are not targets of its load balancers.
	Held bool `json:"held,omitempty"`
	// ClientToken makes CreateTaskSet idempotent.
	ClientToken string `json:"clientToken,omitempty"`
}

// UsesTaskSets says whether a service's tasks belong to task sets (the EXTERNAL and
// CODE_DEPLOY deployment controllers) rather than to deployments.
func UsesTaskSets(s *ecs.Service) bool {
	if s.DeploymentController == nil {
		return false
	}
	t := s.DeploymentController.Type
	return t == ecs.ControllerExternal || t == ecs.ControllerCodeDeploy
}

// FindTaskSet is the index of a task set by id or ARN, -1 if the service has none.
func (r *Service) FindTaskSet(ref string) int {
	for i, ts := range r.TaskSets {
		if ts.ID == ref || ts.TaskSetArn == ref {
			return i
		}
	}
	return -1
}

// PresentTaskSet is a task set as the API shows it; tags only when asked for.
func PresentTaskSet(ts TaskSet, withTags bool) ecs.TaskSet {
	out := ts.TaskSet
	out.LoadBalancers = slices.Clone(ts.LoadBalancers)
	if out.LoadBalancers == nil {
		out.LoadBalancers = []ecs.LoadBalancer{}
	}
	out.ServiceRegistries = slices.Clone(ts.ServiceRegistries)
	if out.ServiceRegistries == nil {
		out.ServiceRegistries = []ecs.ServiceRegistry{}
	}
	out.Tags = nil
	if withTags {
		out.Tags = slices.Clone(ts.Tags)
		if out.Tags == nil {
			out.Tags = []ecs.Tag{}
		}
	}
	if ts.Scale != nil {
		sc := *ts.Scale
		out.Scale = &sc
	}
	return out
}

// presentTaskSets fills in what DescribeServices shows of a task set service: its
// task sets (PRIMARY first), no deployments, and counts summed over the sets.
func (r *Service) presentTaskSets(s *ecs.Service) {
	s.TaskSets = []ecs.TaskSet{}
	s.RunningCount, s.PendingCount = 0, 0
	for _, ts := range r.TaskSets {
		s.TaskSets = append(s.TaskSets, PresentTaskSet(ts, false))
		s.RunningCount += ts.RunningCount
		s.PendingCount += ts.PendingCount
	}
	slices.SortStableFunc(s.TaskSets, func(a, b ecs.TaskSet) int {
		return DeploymentRank(a.Status) - DeploymentRank(b.Status)
	})
}
