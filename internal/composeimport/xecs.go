package composeimport

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// xECS is a service's x-ecs block: what compose cannot say about ECS.
//
//	x-ecs:
//	  launchType: FARGATE | EC2          # default FARGATE
//	  capacityProviderStrategy: [{capacityProvider: FARGATE_SPOT, weight: 1}]
//	  spot: true                         # shorthand for that strategy
//	  platformVersion: 1.4.0
//	  cpu: 1024                          # task size, instead of the smallest that fits
//	  memory: 2048
//	  placementConstraints: [...]        # as ECS's CreateService takes them
//	  placementStrategy: [...]
//	  healthCheckGracePeriodSeconds: 30
//	  subnets: [subnet-…]                # awsvpc network, for real AWS
//	  securityGroups: [sg-…]
//	  assignPublicIp: ENABLED
//	  taskDefinition: {…}                # any RegisterTaskDefinition field, laid over
//	  service: {…}                       # any CreateService field, laid over
type xECS struct {
	LaunchType                    string                             `json:"launchType"`
	CapacityProviderStrategy      []ecs.CapacityProviderStrategyItem `json:"capacityProviderStrategy"`
	Spot                          bool                               `json:"spot"`
	PlatformVersion               string                             `json:"platformVersion"`
	CPU                           string                             `json:"-"`
	Memory                        string                             `json:"-"`
	RawCPU                        any                                `json:"cpu"`
	RawMemory                     any                                `json:"memory"`
	PlacementConstraints          []ecs.PlacementConstraint          `json:"placementConstraints"`
	PlacementStrategy             []ecs.PlacementStrategy            `json:"placementStrategy"`
	HealthCheckGracePeriodSeconds *int                               `json:"healthCheckGracePeriodSeconds"`
	Subnets                       []string                           `json:"subnets"`
	SecurityGroups                []string                           `json:"securityGroups"`
	AssignPublicIP                string                             `json:"assignPublicIp"`
	TaskDefinition                map[string]json.RawMessage         `json:"taskDefinition"`
	Service                       map[string]json.RawMessage         `json:"service"`
	Deployment                    *xDeployment                       `json:"deployment"`
}

// parseXECS reads x-ecs and warns about the service's other extensions (x-aws-*
// from Docker's ECS integration where they make sense, ignored with a note otherwise).
func parseXECS(c *serviceConverter) (xECS, error) {
	var x xECS
	for _, k := range sortedKeys(c.s.Extensions) {
		v := c.s.Extensions[k]
		switch k {
		case "x-ecs":
			b, err := json.Marshal(v)
			if err != nil {
				return x, fmt.Errorf("x-ecs: %w", err)
			}
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&x); err != nil {
				return x, fmt.Errorf("x-ecs: %w", err)
			}
			if x.RawCPU != nil {
				x.CPU = fmt.Sprint(x.RawCPU)
			}
			if x.RawMemory != nil {
				x.Memory = fmt.Sprint(x.RawMemory)
			}
		case "x-aws-min_percent", "x-aws-max_percent":
			// deploy reads them
		case "x-aws-role":
			if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") {
				c.out.TaskDefinition.TaskRoleArn = ecs.Ptr(s)
			} else {
				c.warn(k, "an inline IAM policy cannot be created here; give a role ARN (or x-ecs taskDefinition.taskRoleArn); ignored")
			}
		case "x-aws-policies":
			c.warn(k, "IAM policies cannot be attached here; give x-aws-role a role ARN that has them; ignored")
		case "x-aws-pull_credentials":
			c.warn(k, "ignored: ecsmini uses local images and needs no registry credentials (on AWS, set x-ecs taskDefinition containerDefinitions' repositoryCredentials)")
		default:
			c.warn(k, "unknown extension; ignored")
		}
	}
	if x.Spot && x.CapacityProviderStrategy == nil && x.LaunchType == "" {
		x.CapacityProviderStrategy = []ecs.CapacityProviderStrategyItem{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}
	}
	if x.LaunchType != "" && (x.CapacityProviderStrategy != nil || x.Spot) {
		return x, fmt.Errorf("x-ecs: launchType and capacityProviderStrategy (or spot) exclude each other, as in ECS")
	}
	return x, nil
}

// onFargate says whether the service runs on Fargate: by default, with launch type
// FARGATE, or with a strategy of FARGATE/FARGATE_SPOT.
func (x xECS) onFargate() bool {
	if x.LaunchType != "" {
		return x.LaunchType == ecs.LaunchFargate
	}
	for _, s := range x.CapacityProviderStrategy {
		if s.CapacityProvider != "FARGATE" && s.CapacityProvider != "FARGATE_SPOT" {
			return false
		}
	}
	return true
}

// network is the service's awsvpc configuration.
func (x xECS) network(subnets []string) *ecs.NetworkConfiguration {
	if len(x.Subnets) > 0 {
		subnets = x.Subnets
	}
	return &ecs.NetworkConfiguration{AwsvpcConfiguration: &ecs.AwsVpcConfiguration{
		Subnets: subnets, SecurityGroups: x.SecurityGroups, AssignPublicIp: x.AssignPublicIP}}
}

// placement sets the launch type or strategy, platform version, placement and grace
// period on the service.
func (x xECS) placement(in *ecs.CreateServiceInput) {
	in.CapacityProviderStrategy = x.CapacityProviderStrategy
	if in.CapacityProviderStrategy == nil {
		in.LaunchType = x.LaunchType
		if in.LaunchType == "" {
			in.LaunchType = ecs.LaunchFargate
		}
	}
	in.PlatformVersion = x.PlatformVersion
	in.PlacementConstraints = x.PlacementConstraints
	in.PlacementStrategy = x.PlacementStrategy
	in.HealthCheckGracePeriodSeconds = x.HealthCheckGracePeriodSeconds
}

// applyRaw lays x-ecs taskDefinition and service fields over the inputs, field by
// field (a field given replaces the converted one entirely).
func (x xECS) applyRaw(td *ecs.RegisterTaskDefinitionInput, svc *ecs.CreateServiceInput) error {
	if err := overlay(td, x.TaskDefinition); err != nil {
		return fmt.Errorf("x-ecs taskDefinition: %w", err)
	}
	if err := overlay(svc, x.Service); err != nil {
		return fmt.Errorf("x-ecs service: %w", err)
	}
	return nil
}

func overlay(v any, fields map[string]json.RawMessage) error {
	if len(fields) == 0 {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for k, f := range fields {
		m[k] = f
	}
	if b, err = json.Marshal(m); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
