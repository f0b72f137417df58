package cli

import (
	"context"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The EC2 simulation's own endpoints: launching and terminating instances, Auto
// Scaling groups, EC2 Spot notices. JSON in and out, ECS-shaped errors.
const (
	instancesPath         = "/_ecsmini/instances"
	instancesRemovePath   = "/_ecsmini/instances/remove"
	asgsPath              = "/_ecsmini/asgs"
	asgsUpdatePath        = "/_ecsmini/asgs/update"
	asgsDeletePath        = "/_ecsmini/asgs/delete"
	spotInterruptInstPath = "/_ecsmini/spot/interrupt-instance"
)

type instanceAdd struct {
	Cluster    string            `json:"cluster,omitempty"`
	Type       string            `json:"type,omitempty"`
	AZ         string            `json:"az,omitempty"`
	Spot       bool              `json:"spot,omitempty"`
	Count      int               `json:"count,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

type instanceRefs struct {
	Cluster   string   `json:"cluster,omitempty"`
	Instances []string `json:"instances"`
}

type instancesOut struct {
	ContainerInstances []*ecs.ContainerInstance `json:"containerInstances"`
}

type asgName struct {
	Name string `json:"name"`
}

type asgList struct {
	AutoScalingGroups []*emulator.ASG `json:"autoScalingGroups"`
}

// ec2Handlers mount the EC2 simulation's endpoints on the API mux.
func ec2Handlers(emu *emulator.Emulator, handle func(string, http.Handler)) {
	handle(instancesPath, jsonHandler(false, func(ctx context.Context, in *instanceAdd, _ *http.Request) (instancesOut, error) {
		out := instancesOut{ContainerInstances: []*ecs.ContainerInstance{}}
		var attrs []ecs.Attribute
		for k, v := range in.Attributes {
			attrs = append(attrs, ecs.Attribute{Name: k, Value: ecs.Ptr(v)})
		}
		for range max(in.Count, 1) {
			ci, err := emu.AddInstance(ctx, emulator.AddInstanceRequest{Cluster: in.Cluster, Type: in.Type, AZ: in.AZ, Spot: in.Spot, Attributes: attrs})
			if err != nil {
				return out, err
			}
			out.ContainerInstances = append(out.ContainerInstances, ci)
		}
		return out, nil
	}))
	handle(instancesRemovePath, jsonHandler(false, func(ctx context.Context, in *instanceRefs, _ *http.Request) (instancesOut, error) {
		return eachInstance(in, func(ref string) (*ecs.ContainerInstance, error) { return emu.TerminateInstance(ctx, in.Cluster, ref) })
	}))
	handle(spotInterruptInstPath, jsonHandler(false, func(ctx context.Context, in *instanceRefs, _ *http.Request) (instancesOut, error) {
		return eachInstance(in, func(ref string) (*ecs.ContainerInstance, error) {
			return emu.InterruptSpotInstance(ctx, in.Cluster, ref)
		})
	}))
	handle(asgsPath, jsonHandler(true, func(ctx context.Context, in *emulator.ASGRequest, r *http.Request) (asgList, error) {
		if r.Method == http.MethodPost {
			if _, err := emu.CreateASG(ctx, *in); err != nil {
				return asgList{}, err
			}
		}
		all, err := emu.ASGs(ctx)
		return asgList{AutoScalingGroups: all}, err
	}))
	handle(asgsUpdatePath, jsonHandler(false, func(ctx context.Context, in *emulator.ASGRequest, _ *http.Request) (*emulator.ASG, error) {
		return emu.UpdateASG(ctx, *in)
	}))
	handle(asgsDeletePath, jsonHandler(false, func(ctx context.Context, in *asgName, _ *http.Request) (asgName, error) {
		return *in, emu.DeleteASG(ctx, in.Name)
	}))
}

func eachInstance(in *instanceRefs, do func(string) (*ecs.ContainerInstance, error)) (instancesOut, error) {
	out := instancesOut{ContainerInstances: []*ecs.ContainerInstance{}}
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

// instanceID is the container instance ID of an ARN.
func instanceID(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// attribute is an instance attribute's value ("" if absent).
func attribute(ci *ecs.ContainerInstance, name string) string {
	for _, a := range ci.Attributes {
		if a.Name == name {
			return ecs.Deref(a.Value)
		}
	}
	return ""
}

// resourceValue is an integer resource of a list ("CPU", "MEMORY").
func resourceValue(rs []ecs.Resource, name string) int {
	for _, r := range rs {
		if r.Name == name {
			return r.IntegerValue
		}
	}
	return 0
}
