package instances

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// ECS Anywhere: container instances that are not EC2 instances. The agent on such a
// machine runs with ECS_EXTERNAL=true and registers the attribute
// ecs.capability.external; SSM gave the machine a managed-instance ID (mi-…), which ECS
// shows as its ec2InstanceId. Such an instance takes EXTERNAL tasks only.

// What an external instance registers when its agent reports no resources (ecsmini's
// choice: a small two-core machine).
const (
	externalDefaultCPU    = 2048
	externalDefaultMemory = 3904
	externalDefaultArch   = "x86_64"
)

// isExternal says whether a registration's attributes mark an external instance.
func isExternal(attrs []ecs.Attribute) bool {
	for _, a := range attrs {
		if a.Name == ec2sim.ExternalCapability {
			return true
		}
	}
	return false
}

// addExternal registers a simulated external instance, run by the local agent
// (`ecsmini instance add --external`).
func (o *Ops) addExternal(ctx context.Context, in AddInstanceRequest) (*ecs.ContainerInstance, error) {
	if in.Spot || in.ASG != "" || in.CapacityProvider != "" {
		return nil, ecs.InvalidParameter("External instances are not EC2 instances: Spot and Auto Scaling groups do not apply to them.")
	}
	attrs := append(append([]ecs.Attribute(nil), in.Attributes...), ecs.Attribute{Name: ec2sim.ExternalCapability})
	return o.register(ctx, &ecs.RegisterContainerInstanceInput{Cluster: in.Cluster, Attributes: attrs}, registration{external: true})
}

// registerExternal registers an external instance. Through the API (how.external
// unset) it is a real agent's machine: Remote, its tasks go to that agent
// (anywhere_link.go). An agent that registers again with its ARN is connected again.
func (o *Ops) registerExternal(ctx context.Context, in *ecs.RegisterContainerInstanceInput, how registration) (*ecs.ContainerInstance, error) {
	if how.spot || how.asg != "" || how.provider != "" {
		return nil, ecs.InvalidParameter("External instances are not EC2 instances: Spot and Auto Scaling groups do not apply to them.")
	}
	for _, a := range in.Attributes {
		if err := validateAttribute(a); err != nil {
			return nil, err
		}
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	sc := o.st.Scope(ctx)
	now := o.st.Clock.Now()
	remote := !how.external
	var ci *ecs.ContainerInstance
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ck, cluster, err := o.h.ClusterForUse(ctx, tx, in.Cluster)
		if err != nil {
			return err
		}
		if in.ContainerInstanceArn != "" {
			ik, r, err := o.st.ResolveInstance(ck, in.ContainerInstanceArn)
			if err != nil {
				return err
			}
			if r.Instance.Status == ecs.InstanceInactive {
				return ecs.InvalidParameter("The referenced container instance %s is deregistered; register the machine again without its ARN.", in.ContainerInstanceArn)
			}
			ci = o.Reconnect(tx, ik, r)
			return nil
		}
		arch := externalDefaultArch
		for _, a := range in.Attributes {
			if a.Name == "ecs.cpu-architecture" && ecs.Deref(a.Value) != "" {
				arch = ecs.Deref(a.Value)
			}
		}
		attrs := ec2sim.ExternalAttributes(arch)
		for _, a := range in.Attributes {
			attrs = putAttribute(attrs, ecs.Attribute{Name: a.Name, Value: a.Value})
		}
		id := ecs.NewID()
		ci = &ecs.ContainerInstance{
			ContainerInstanceArn: sc.ContainerInstanceARN(cluster.ClusterName, id),
			Ec2InstanceId:        newManagedInstanceID(),
			Version:              1,
			VersionInfo:          versionInfoOr(in.VersionInfo),
			RegisteredResources:  externalResources(in.TotalResources),
			Status:               ecs.InstanceActive,
			AgentConnected:       true,
			Attributes:           attrs,
			RegisteredAt:         ecs.At(now),
			Attachments:          []ecs.Attachment{},
			Tags:                 state.MergeTags(nil, in.Tags),
		}
		o.st.Instances.Put(tx, state.Key(state.LastRegion(ck), cluster.ClusterName, id), &state.Instance{
			Instance: ci, ClusterName: cluster.ClusterName, LaunchedAt: now, External: true, Remote: remote,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if remote {
		o.h.Heartbeat(ci.ContainerInstanceArn, now)
	}
	return firstInstance(o.Changed(ci.ContainerInstanceArn)), nil
}

// Reconnect records that an instance's agent is connected again.
func (o *Ops) Reconnect(tx *store.Tx, ik string, r *state.Instance) *ecs.ContainerInstance {
	next := *r
	c := *r.Instance
	c.AgentConnected, c.Version = true, c.Version+1
	next.Instance, next.DisconnectedAt = &c, nil
	o.st.Instances.Put(tx, ik, &next)
	return &c
}

// externalResources is what an external instance registers: the CPU and memory its
// agent found (or ecsmini's defaults) and the ports the agent reserves.
func externalResources(total []ecs.Resource) []ecs.Resource {
	cpu, mem := externalDefaultCPU, externalDefaultMemory
	for _, r := range total {
		switch {
		case r.Name == "CPU" && r.IntegerValue > 0:
			cpu = r.IntegerValue
		case r.Name == "MEMORY" && r.IntegerValue > 0:
			mem = r.IntegerValue
		}
	}
	return []ecs.Resource{
		{Name: "CPU", Type: "INTEGER", IntegerValue: cpu},
		{Name: "MEMORY", Type: "INTEGER", IntegerValue: mem},
		{Name: "PORTS", Type: "STRINGSET", StringSetValue: append([]string(nil), ec2sim.ReservedPorts...)},
		{Name: "PORTS_UDP", Type: "STRINGSET", StringSetValue: []string{}},
	}
}

// newManagedInstanceID makes an ID of the form SSM gives hybrid machines (mi- and 17
// hex digits).
func newManagedInstanceID() string {
	var b [9]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "mi-" + hex.EncodeToString(b[:])[:17]
}
