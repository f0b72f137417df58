package instances

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/instview"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// identityDocument is the part of the EC2 instance identity document ECS reads.
type identityDocument struct {
	InstanceID       string `json:"instanceId"`
	InstanceType     string `json:"instanceType"`
	AvailabilityZone string `json:"availabilityZone"`
	Region           string `json:"region,omitempty"`
	ImageID          string `json:"imageId,omitempty"`
	Architecture     string `json:"architecture,omitempty"`
}

// Defaults for a registration that says nothing (ecsmini's choice).
const (
	defaultInstanceType = "m5.large"
	simAgentVersion     = "1.89.2"
	simAMI              = "ami-0ecsmini0000000001"
)

// AddInstanceRequest launches a simulated EC2 instance into a cluster.
type AddInstanceRequest struct {
	Cluster          string
	Type             string // instance type; default m5.large
	AZ               string // default the region's "a" zone
	Spot             bool
	CapacityProvider string // set by a simulated Auto Scaling group
	ASG              string
	Attributes       []ecs.Attribute
	// External registers an ECS Anywhere instance (anywhere_register.go) instead.
	External bool
}

// AddInstance simulates launching an EC2 instance whose agent registers it with the
// cluster, as `ecsmini instance add` and Auto Scaling groups do.
func (o *Ops) AddInstance(ctx context.Context, in AddInstanceRequest) (*ecs.ContainerInstance, error) {
	if in.External {
		return o.addExternal(ctx, in)
	}
	sc := o.st.Scope(ctx)
	doc := identityDocument{InstanceID: newEC2InstanceID(), InstanceType: in.Type, AvailabilityZone: in.AZ, Region: sc.Region, ImageID: simAMI}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("identity document: %w", err)
	}
	reg := &ecs.RegisterContainerInstanceInput{Cluster: in.Cluster, InstanceIdentityDocument: string(raw), Attributes: in.Attributes}
	return o.register(ctx, reg, registration{spot: in.Spot, provider: in.CapacityProvider, asg: in.ASG})
}

// registration is what a simulated launch adds to a RegisterContainerInstance call.
type registration struct {
	spot     bool
	provider string
	asg      string
	// external: a simulated ECS Anywhere instance, run by the local agent.
	external bool
}

// RegisterContainerInstance registers an instance as its agent would. The instance
// identity document says its ID, type and zone; without one ecsmini makes them up.
func (o *Ops) RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	ci, err := o.register(ctx, in, registration{})
	if err != nil {
		return nil, err
	}
	return &ecs.ContainerInstanceOutput{ContainerInstance: ci}, nil
}

func (o *Ops) register(ctx context.Context, in *ecs.RegisterContainerInstanceInput, how registration) (*ecs.ContainerInstance, error) {
	if how.external || isExternal(in.Attributes) {
		return o.registerExternal(ctx, in, how)
	}
	sc := o.st.Scope(ctx)
	var doc identityDocument
	if in.InstanceIdentityDocument != "" {
		if err := json.Unmarshal([]byte(in.InstanceIdentityDocument), &doc); err != nil {
			return nil, ecs.InvalidParameter("instanceIdentityDocument is not a valid instance identity document: %v", err)
		}
	}
	if doc.InstanceID == "" {
		doc.InstanceID = newEC2InstanceID()
	}
	if doc.InstanceType == "" {
		doc.InstanceType = defaultInstanceType
	}
	if doc.AvailabilityZone == "" {
		doc.AvailabilityZone = sc.Region + "a"
	}
	if doc.ImageID == "" {
		doc.ImageID = simAMI
	}
	it, ok := ec2sim.LookupInstanceType(doc.InstanceType)
	if !ok {
		return nil, ecs.InvalidParameter("Instance type %s is not one ecsmini simulates; see 'ecsmini instance types'.", doc.InstanceType)
	}
	for _, a := range in.Attributes {
		if err := validateAttribute(a); err != nil {
			return nil, err
		}
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	now := o.st.Clock.Now()
	var ci *ecs.ContainerInstance
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ck, cluster, err := o.h.ClusterForUse(ctx, tx, in.Cluster)
		if err != nil {
			return err
		}
		if in.ContainerInstanceArn != "" {
			// An agent that restarts registers again with the ARN it had.
			ik, r, err := o.st.ResolveInstance(ck, in.ContainerInstanceArn)
			if err != nil {
				return err
			}
			next := *r
			c := *r.Instance
			c.AgentConnected, c.Version = true, c.Version+1
			next.Instance = &c
			o.st.Instances.Put(tx, ik, &next)
			ci = &c
			return nil
		}
		id := ecs.NewID()
		attrs := ec2sim.BuiltinAttributes(it, doc.AvailabilityZone, doc.ImageID)
		for _, a := range in.Attributes {
			attrs = putAttribute(attrs, ecs.Attribute{Name: a.Name, Value: a.Value})
		}
		ci = &ecs.ContainerInstance{
			ContainerInstanceArn: sc.ContainerInstanceARN(cluster.ClusterName, id),
			Ec2InstanceId:        doc.InstanceID,
			CapacityProviderName: how.provider,
			Version:              1,
			VersionInfo:          versionInfoOr(in.VersionInfo),
			RegisteredResources:  registeredResources(it, in.TotalResources),
			Status:               ecs.InstanceActive,
			AgentConnected:       true,
			Attributes:           attrs,
			RegisteredAt:         ecs.At(now),
			Attachments:          []ecs.Attachment{},
			Tags:                 state.MergeTags(nil, in.Tags),
		}
		o.st.Instances.Put(tx, state.Key(state.LastRegion(ck), cluster.ClusterName, id), &state.Instance{
			Instance: ci, ClusterName: cluster.ClusterName, Type: it.Name, AZ: doc.AvailabilityZone,
			Spot: how.spot, ASG: how.asg, LaunchedAt: now,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return firstInstance(o.Changed(ci.ContainerInstanceArn)), nil
}

// registeredResources is what an instance of type it registers: its CPU units and
// memory (or the totals the agent reported), the ports the agent reserves, and UDP.
func registeredResources(it ec2sim.InstanceType, total []ecs.Resource) []ecs.Resource {
	cpu, mem := it.CPUUnits(), it.RegisteredMemory()
	for _, r := range total {
		switch r.Name {
		case "CPU":
			cpu = r.IntegerValue
		case "MEMORY":
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

func versionInfoOr(v *ecs.VersionInfo) *ecs.VersionInfo {
	if v != nil && v.AgentVersion != "" {
		return v
	}
	return &ecs.VersionInfo{AgentVersion: simAgentVersion, AgentHash: "ecsmini", DockerVersion: "DockerVersion: 25.0.8"}
}

// newEC2InstanceID makes an ID of EC2's long form (i- and 17 hex digits).
func newEC2InstanceID() string {
	var b [9]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "i-" + hex.EncodeToString(b[:])[:17]
}

// Changed tells the control loops that capacity changed: waiting tasks may
// be placed and DAEMON services follow their instances. It publishes the instances'
// new states and returns them.
func (o *Ops) Changed(arns ...string) []*ecs.ContainerInstance {
	if len(arns) == 0 {
		return nil // nothing changed: waking the loops would make them spin
	}
	shown := instview.Describe(o.st, arns)
	for _, ci := range shown {
		o.emitInstance(ci)
	}
	o.h.Poke()
	o.markClusterServicesDirty(arns...)
	return shown
}

// firstInstance is the first of cis, or nil (an instance reaped meanwhile).
func firstInstance(cis []*ecs.ContainerInstance) *ecs.ContainerInstance {
	if len(cis) == 0 {
		return nil
	}
	return cis[0]
}

// markClusterServicesDirty has the scheduler look at every service of the clusters of
// the given instance ARNs.
func (o *Ops) markClusterServicesDirty(arns ...string) {
	seen := map[string]bool{}
	for _, arn := range arns {
		a, _ := ecs.ParseARN(arn)
		cluster, _, _ := strings.Cut(a.Path(), "/")
		ck := state.Key(a.Region, cluster)
		if seen[ck] {
			continue
		}
		seen[ck] = true
		var keys []string
		o.st.Store.View(func() {
			prefix := ck + "\x00"
			o.st.Services.Ascend(prefix, func(k string, _ *state.Service) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				keys = append(keys, k)
				return true
			})
		})
		for _, k := range keys {
			o.h.MarkDirty(k)
		}
	}
	o.h.Poke()
}

// putAttribute sets a in attrs, replacing an attribute of the same name.
func putAttribute(attrs []ecs.Attribute, a ecs.Attribute) []ecs.Attribute {
	for i := range attrs {
		if attrs[i].Name == a.Name {
			attrs[i] = a
			return attrs
		}
	}
	return append(attrs, a)
}
