package ecsminiapi

import (
	"context"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The EC2 simulation's endpoints: launching and terminating instances, Auto Scaling
// groups, EC2 Spot notices. JSON in and out (POST; /_ecsmini/asgs also GET),
// ECS-shaped errors.
const (
	InstancesPath             = "/_ecsmini/instances"
	InstancesRemovePath       = "/_ecsmini/instances/remove"
	ASGsPath                  = "/_ecsmini/asgs"
	ASGsUpdatePath            = "/_ecsmini/asgs/update"
	ASGsDeletePath            = "/_ecsmini/asgs/delete"
	SpotInterruptInstancePath = "/_ecsmini/spot/interrupt-instance"
)

// InstanceAdd launches Count (at least one) simulated instances into a cluster.
type InstanceAdd struct {
	Cluster    string            `json:"cluster,omitempty"`
	Type       string            `json:"type,omitempty"`
	AZ         string            `json:"az,omitempty"`
	Spot       bool              `json:"spot,omitempty"`
	Count      int               `json:"count,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	External   bool              `json:"external,omitempty"`
}

// InstanceRefs names instances of a cluster (EC2 instance ID, container instance ID or
// ARN).
type InstanceRefs struct {
	Cluster   string   `json:"cluster,omitempty"`
	Instances []string `json:"instances"`
}

// Instances is the container instances an EC2 call launched or changed.
type Instances struct {
	ContainerInstances []*ecs.ContainerInstance `json:"containerInstances"`
}

// ASGName names an Auto Scaling group.
type ASGName struct {
	Name string `json:"name"`
}

// ASGList is every Auto Scaling group.
type ASGList struct {
	AutoScalingGroups []*emulator.ASG `json:"autoScalingGroups"`
}

func mountEC2(emu *emulator.Emulator, mux Mux) {
	mux.Handle(InstancesPath, jsonHandler(false, func(ctx context.Context, in *InstanceAdd, _ *http.Request) (Instances, error) {
		out := Instances{ContainerInstances: []*ecs.ContainerInstance{}}
		var attrs []ecs.Attribute
		for k, v := range in.Attributes {
			attrs = append(attrs, ecs.Attribute{Name: k, Value: ecs.Ptr(v)})
		}
		for range max(in.Count, 1) {
			ci, err := emu.AddInstance(ctx, emulator.AddInstanceRequest{Cluster: in.Cluster, Type: in.Type, AZ: in.AZ, Spot: in.Spot, Attributes: attrs, External: in.External})
			if err != nil {
				return out, err
			}
			out.ContainerInstances = append(out.ContainerInstances, ci)
		}
		return out, nil
	}))
	mux.Handle(InstancesRemovePath, jsonHandler(false, func(ctx context.Context, in *InstanceRefs, _ *http.Request) (Instances, error) {
		return eachInstance(in, func(ref string) (*ecs.ContainerInstance, error) { return emu.TerminateInstance(ctx, in.Cluster, ref) })
	}))
	mux.Handle(SpotInterruptInstancePath, jsonHandler(false, func(ctx context.Context, in *InstanceRefs, _ *http.Request) (Instances, error) {
		return eachInstance(in, func(ref string) (*ecs.ContainerInstance, error) {
			return emu.InterruptSpotInstance(ctx, in.Cluster, ref)
		})
	}))
	mux.Handle(ASGsPath, jsonHandler(true, func(ctx context.Context, in *emulator.ASGRequest, r *http.Request) (ASGList, error) {
		if r.Method == http.MethodPost {
			if _, err := emu.CreateASG(ctx, *in); err != nil {
				return ASGList{}, err
			}
		}
		all, err := emu.ASGs(ctx)
		return ASGList{AutoScalingGroups: all}, err
	}))
	mux.Handle(ASGsUpdatePath, jsonHandler(false, func(ctx context.Context, in *emulator.ASGRequest, _ *http.Request) (*emulator.ASG, error) {
		return emu.UpdateASG(ctx, *in)
	}))
	mux.Handle(ASGsDeletePath, jsonHandler(false, func(ctx context.Context, in *ASGName, _ *http.Request) (ASGName, error) {
		return *in, emu.DeleteASG(ctx, in.Name)
	}))
}

func eachInstance(in *InstanceRefs, do func(string) (*ecs.ContainerInstance, error)) (Instances, error) {
	out := Instances{ContainerInstances: []*ecs.ContainerInstance{}}
	if len(in.Instances) == 0 {
		return out, ecs.InvalidParameter("Name the instances (EC2 instance ID, container instance ID or ARN).")
	}
	for _, ref := range in.Instances {
		ci, err := do(ref)
		if err != nil {
			return out, err
		}
		out.ContainerInstances = append(out.ContainerInstances, ci)
	}
	return out, nil
}

// AddInstances launches simulated EC2 instances.
func (c *Client) AddInstances(ctx context.Context, in InstanceAdd) (Instances, error) {
	var out Instances
	err := c.do(ctx, InstancesPath, http.MethodPost, InstancesPath, in, &out)
	return out, err
}

// RemoveInstances terminates simulated EC2 instances.
func (c *Client) RemoveInstances(ctx context.Context, in InstanceRefs) (Instances, error) {
	var out Instances
	err := c.do(ctx, InstancesRemovePath, http.MethodPost, InstancesRemovePath, in, &out)
	return out, err
}

// InterruptSpotInstances gives EC2 Spot instances their two-minute notice.
func (c *Client) InterruptSpotInstances(ctx context.Context, in InstanceRefs) (Instances, error) {
	var out Instances
	err := c.do(ctx, SpotInterruptInstancePath, http.MethodPost, SpotInterruptInstancePath, in, &out)
	return out, err
}

// ASGs lists every Auto Scaling group.
func (c *Client) ASGs(ctx context.Context) (ASGList, error) {
	var out ASGList
	err := c.do(ctx, ASGsPath, http.MethodGet, ASGsPath, nil, &out)
	return out, err
}

// CreateASG creates an Auto Scaling group and lists them all.
func (c *Client) CreateASG(ctx context.Context, in emulator.ASGRequest) (ASGList, error) {
	var out ASGList
	err := c.do(ctx, ASGsPath, http.MethodPost, ASGsPath, in, &out)
	return out, err
}

// UpdateASG changes a group's sizes.
func (c *Client) UpdateASG(ctx context.Context, in emulator.ASGRequest) (*emulator.ASG, error) {
	var out emulator.ASG
	if err := c.do(ctx, ASGsUpdatePath, http.MethodPost, ASGsUpdatePath, in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteASG deletes a group, terminating its instances.
func (c *Client) DeleteASG(ctx context.Context, name string) error {
	return c.do(ctx, ASGsDeletePath, http.MethodPost, ASGsDeletePath, ASGName{Name: name}, &ASGName{})
}
