package state

import (
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Instance is a simulated EC2 container instance (store table "instances", by
// region, cluster and container instance ID). Its remaining resources and task counts
// are not stored: they follow from the tasks placed on it.
type Instance struct {
	Instance    *ecs.ContainerInstance `json:"instance"`
	ClusterName string                 `json:"clusterName"`
	Type        string                 `json:"type"`
	AZ          string                 `json:"az"`
	Spot        bool                   `json:"spot,omitempty"`
	// ASG is the simulated Auto Scaling group that launched the instance, if any.
	ASG        string     `json:"asg,omitempty"`
	LaunchedAt time.Time  `json:"launchedAt"`
	InactiveAt *time.Time `json:"inactiveAt,omitempty"`
	// TerminateAt is when an instance whose EC2 Spot capacity was reclaimed (or that its
	// group is scaling in) goes away; its tasks were told two minutes before.
	TerminateAt *time.Time `json:"terminateAt,omitempty"`
	// ScaleIn marks an instance its group is scaling in: it drains, then terminates
	// once empty (or at TerminateAt).
	ScaleIn bool `json:"scaleIn,omitempty"`
	// External is an ECS Anywhere instance (mi-…, EXTERNAL tasks only); Remote one
	// whose tasks a real agent elsewhere runs (emulator/anywhere_link.go), not the
	// local engine.
	External bool `json:"external,omitempty"`
	Remote   bool `json:"remote,omitempty"`
	// DisconnectedAt is when a remote agent's heartbeats stopped (agentConnected false).
	DisconnectedAt *time.Time `json:"disconnectedAt,omitempty"`
}

// ResolveInstance finds an instance of the cluster by container instance ID or ARN.
func (s *State) ResolveInstance(clusterKey, ref string) (string, *Instance, error) {
	id := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Kind() != "container-instance" {
			return "", nil, ecs.InvalidParameter("Container instance identifier is invalid.")
		}
		p := a.Path()
		id = p[strings.LastIndexByte(p, '/')+1:]
	}
	r, ok := s.Instances.Get(clusterKey + "\x00" + id)
	if !ok {
		return "", nil, ecs.InvalidParameter("The referenced container instance %s was not found.", ref)
	}
	return clusterKey + "\x00" + id, r, nil
}

// InstancesOf lists a cluster's instance records in key order.
func (s *State) InstancesOf(clusterKey string) []*Instance {
	var out []*Instance
	prefix := clusterKey + "\x00"
	s.Instances.Ascend(prefix, func(k string, r *Instance) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		out = append(out, r)
		return true
	})
	return out
}

// PlacesOnInstances says whether a cluster's EC2 tasks are placed on its container
// instances: once a cluster has (or had, within the hour) an instance. A cluster that
// never had one runs EC2 tasks on the laptop itself, with no capacity limits.
func (s *State) PlacesOnInstances(clusterKey string) bool {
	found := false
	prefix := clusterKey + "\x00"
	s.Instances.Ascend(prefix, func(k string, _ *Instance) bool {
		found = strings.HasPrefix(k, prefix)
		return false
	})
	return found
}

// FindInstance resolves an instance by container instance ID or ARN, or by its EC2
// instance ID, as ecsmini's own commands accept either.
func (s *State) FindInstance(ck, ref string) (string, *Instance, error) {
	if strings.HasPrefix(ref, "i-") || strings.HasPrefix(ref, "mi-") {
		for _, r := range s.InstancesOf(ck) {
			if r.Instance.Ec2InstanceId == ref {
				return InstanceKeyOf(r.Instance.ContainerInstanceArn), r, nil
			}
		}
	}
	return s.ResolveInstance(ck, ref)
}

// ClustersWithInstances lists the cluster keys that have instance records.
func (s *State) ClustersWithInstances() []string {
	var out []string
	s.Instances.Ascend("", func(k string, _ *Instance) bool {
		ck := k[:strings.LastIndexByte(k, 0)]
		if len(out) == 0 || out[len(out)-1] != ck {
			out = append(out, ck)
		}
		return true
	})
	return out
}

// InstanceKeyOf is the store key of a container instance ARN.
func InstanceKeyOf(arn string) string {
	a, _ := ecs.ParseARN(arn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	return Key(a.Region, cluster, id)
}
