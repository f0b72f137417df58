package ecs

// CreateCapacityProviderInput is the CreateCapacityProvider request.
type CreateCapacityProviderInput struct {
	Name                     string                    `json:"name"`
	AutoScalingGroupProvider *AutoScalingGroupProvider `json:"autoScalingGroupProvider,omitempty"`
	Tags                     []Tag                     `json:"tags,omitempty"`
}

// UpdateCapacityProviderInput is the UpdateCapacityProvider request.
type UpdateCapacityProviderInput struct {
	Name                     string                          `json:"name"`
	AutoScalingGroupProvider *AutoScalingGroupProviderUpdate `json:"autoScalingGroupProvider,omitempty"`
}

// CapacityProviderOutput is the response of the operations that return one provider.
type CapacityProviderOutput struct {
	CapacityProvider *CapacityProvider `json:"capacityProvider"`
}

// DeleteCapacityProviderInput is the DeleteCapacityProvider request.
type DeleteCapacityProviderInput struct {
	CapacityProvider string `json:"capacityProvider"`
}

// DescribeCapacityProvidersInput is the DescribeCapacityProviders request.
type DescribeCapacityProvidersInput struct {
	CapacityProviders []string `json:"capacityProviders,omitempty"`
	Include           []string `json:"include,omitempty"`
	ListInput
}

// DescribeCapacityProvidersOutput is the DescribeCapacityProviders response.
type DescribeCapacityProvidersOutput struct {
	CapacityProviders []*CapacityProvider `json:"capacityProviders"`
	Failures          []Failure           `json:"failures"`
	NextToken         *string             `json:"nextToken,omitempty"`
}
