package ecs

// CapacityProvider is an ECS capacity provider: a built-in Fargate one or an Auto Scaling
// group provider.
type CapacityProvider struct {
	CapacityProviderArn      string                    `json:"capacityProviderArn"`
	Name                     string                    `json:"name"`
	Status                   string                    `json:"status"`
	AutoScalingGroupProvider *AutoScalingGroupProvider `json:"autoScalingGroupProvider,omitempty"`
	UpdateStatus             string                    `json:"updateStatus,omitempty"`
	UpdateStatusReason       string                    `json:"updateStatusReason,omitempty"`
	Tags                     []Tag                     `json:"tags,omitzero"`
	Type                     string                    `json:"type,omitempty"`
}

// Built-in capacity provider names and provider types.
const (
	Fargate                  = "FARGATE"
	FargateSpot              = "FARGATE_SPOT"
	ProviderTypeASG          = "EC2_AUTOSCALING"
	CapacityProviderActive   = "ACTIVE"
	CapacityProviderInactive = "INACTIVE"
	UpdateInProgress         = "UPDATE_IN_PROGRESS"
	UpdateComplete           = "UPDATE_COMPLETE"
	DeleteComplete           = "DELETE_COMPLETE"
)

// AutoScalingGroupProvider ties a capacity provider to an Auto Scaling group.
type AutoScalingGroupProvider struct {
	AutoScalingGroupArn          string          `json:"autoScalingGroupArn"`
	ManagedScaling               *ManagedScaling `json:"managedScaling,omitempty"`
	ManagedTerminationProtection string          `json:"managedTerminationProtection,omitempty"`
	ManagedDraining              string          `json:"managedDraining,omitempty"`
}

// AutoScalingGroupProviderUpdate is what UpdateCapacityProvider may change.
type AutoScalingGroupProviderUpdate struct {
	ManagedScaling               *ManagedScaling `json:"managedScaling,omitempty"`
	ManagedTerminationProtection string          `json:"managedTerminationProtection,omitempty"`
	ManagedDraining              string          `json:"managedDraining,omitempty"`
}

// ManagedScaling configures ECS-managed scaling of the group.
type ManagedScaling struct {
	Status                 string `json:"status,omitempty"`
	TargetCapacity         *int   `json:"targetCapacity,omitempty"`
	MinimumScalingStepSize *int   `json:"minimumScalingStepSize,omitempty"`
	MaximumScalingStepSize *int   `json:"maximumScalingStepSize,omitempty"`
	InstanceWarmupPeriod   *int   `json:"instanceWarmupPeriod,omitempty"`
}
