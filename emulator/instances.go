package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// instanceRecord is a simulated EC2 container instance (store table "instances", by
// region, cluster and container instance ID). Its remaining resources and task counts
// are not stored: they follow from the tasks placed on it.
type instanceRecord struct {
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
	// whose tasks a real agent elsewhere runs (anywhere_link.go), not the local engine.
	External bool `json:"external,omitempty"`
	Remote   bool `json:"remote,omitempty"`
	// DisconnectedAt is when a remote agent's heartbeats stopped (agentConnected false).
	DisconnectedAt *time.Time `json:"disconnectedAt,omitempty"`
}

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
func (e *Emulator) AddInstance(ctx context.Context, in AddInstanceRequest) (*ecs.ContainerInstance, error) {
	if in.External {
		return e.addExternal(ctx, in)
	}
	sc := e.scope(ctx)
	doc := identityDocument{InstanceID: newEC2InstanceID(), InstanceType: in.Type, AvailabilityZone: in.AZ, Region: sc.Region, ImageID: simAMI}
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("identity document: %w", err)
	}
	reg := &ecs.RegisterContainerInstanceInput{Cluster: in.Cluster, InstanceIdentityDocument: string(raw), Attributes: in.Attributes}
	return e.register(ctx, reg, registration{spot: in.Spot, provider: in.CapacityProvider, asg: in.ASG})
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
func (e *Emulator) RegisterContainerInstance(ctx context.Context, in *ecs.RegisterContainerInstanceInput) (*ecs.ContainerInstanceOutput, error) {
	ci, err := e.register(ctx, in, registration{})
	if err != nil {
		return nil, err
	}
	return &ecs.ContainerInstanceOutput{ContainerInstance: ci}, nil
}

func (e *Emulator) register(ctx context.Context, in *ecs.RegisterContainerInstanceInput, how registration) (*ecs.ContainerInstance, error) {
	if how.external || isExternal(in.Attributes) {
		return e.registerExternal(ctx, in, how)
	}
	sc := e.scope(ctx)
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
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	now := e.cfg.Clock.Now()
	var ci *ecs.ContainerInstance
	err := e.store.Update(func(tx *store.Tx) error {
		ck, cluster, err := e.clusterForUse(ctx, tx, in.Cluster)
		if err != nil {
			return err
		}
		if in.ContainerInstanceArn != "" {
			// An agent that restarts registers again with the ARN it had.
			ik, r, err := e.resolveInstance(ck, in.ContainerInstanceArn)
			if err != nil {
				return err
			}
			next := *r
			c := *r.Instance
			c.AgentConnected, c.Version = true, c.Version+1
			next.Instance = &c
			e.instances.Put(tx, ik, &next)
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
			Tags:                 mergeTags(nil, in.Tags),
		}
		e.instances.Put(tx, key(lastRegion(ck), cluster.ClusterName, id), &instanceRecord{
			Instance: ci, ClusterName: cluster.ClusterName, Type: it.Name, AZ: doc.AvailabilityZone,
			Spot: how.spot, ASG: how.asg, LaunchedAt: now,
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return firstInstance(e.instancesChanged(ci.ContainerInstanceArn)), nil
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

// resolveInstance finds an instance of the cluster by container instance ID or ARN.
func (e *Emulator) resolveInstance(clusterKey, ref string) (string, *instanceRecord, error) {
	id := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Kind() != "container-instance" {
			return "", nil, ecs.InvalidParameter("Container instance identifier is invalid.")
		}
		p := a.Path()
		id = p[strings.LastIndexByte(p, '/')+1:]
	}
	r, ok := e.instances.Get(clusterKey + "\x00" + id)
	if !ok {
		return "", nil, ecs.InvalidParameter("The referenced container instance %s was not found.", ref)
	}
	return clusterKey + "\x00" + id, r, nil
}

// instanceKeyOf is the store key of a container instance ARN.
func instanceKeyOf(arn string) string {
	a, _ := ecs.ParseARN(arn)
	cluster, id, _ := strings.Cut(a.Path(), "/")
	return key(a.Region, cluster, id)
}

// instancesOf lists a cluster's instance records in key order.
func (e *Emulator) instancesOf(clusterKey string) []*instanceRecord {
	var out []*instanceRecord
	prefix := clusterKey + "\x00"
	e.instances.Ascend(prefix, func(k string, r *instanceRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		out = append(out, r)
		return true
	})
	return out
}

// placesOnInstances says whether a cluster's EC2 tasks are placed on its container
// instances: once a cluster has (or had, within the hour) an instance. A cluster that
// never had one runs EC2 tasks on the laptop itself, with no capacity limits.
func (e *Emulator) placesOnInstances(clusterKey string) bool {
	found := false
	prefix := clusterKey + "\x00"
	e.instances.Ascend(prefix, func(k string, _ *instanceRecord) bool {
		found = strings.HasPrefix(k, prefix)
		return false
	})
	return found
}

// instancesChanged tells the control loops that capacity changed: waiting tasks may
// be placed and DAEMON services follow their instances. It publishes the instances'
// new states and returns them.
func (e *Emulator) instancesChanged(arns ...string) []*ecs.ContainerInstance {
	if len(arns) == 0 {
		return nil // nothing changed: waking the loops would make them spin
	}
	shown := e.describe(arns)
	for _, ci := range shown {
		e.emitInstance(ci)
	}
	e.ec2.poke()
	e.markClusterServicesDirty(arns...)
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
func (e *Emulator) markClusterServicesDirty(arns ...string) {
	seen := map[string]bool{}
	for _, arn := range arns {
		a, _ := ecs.ParseARN(arn)
		cluster, _, _ := strings.Cut(a.Path(), "/")
		ck := key(a.Region, cluster)
		if seen[ck] {
			continue
		}
		seen[ck] = true
		var keys []string
		e.store.View(func() {
			prefix := ck + "\x00"
			e.services.Ascend(prefix, func(k string, _ *serviceRecord) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				keys = append(keys, k)
				return true
			})
		})
		for _, k := range keys {
			e.ctl.markDirty(k)
		}
	}
	e.ctl.poke()
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

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}
