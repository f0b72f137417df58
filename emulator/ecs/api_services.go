package ecs

import "encoding/json"

// CreateServiceInput is the CreateService request (spec §5.1).
type CreateServiceInput struct {
	Cluster                       string                         `json:"cluster,omitempty"`
	ServiceName                   string                         `json:"serviceName"`
	TaskDefinition                string                         `json:"taskDefinition,omitempty"`
	AvailabilityZoneRebalancing   string                         `json:"availabilityZoneRebalancing,omitempty"`
	LoadBalancers                 []LoadBalancer                 `json:"loadBalancers,omitempty"`
	ServiceRegistries             []ServiceRegistry              `json:"serviceRegistries,omitempty"`
	DesiredCount                  *int                           `json:"desiredCount,omitempty"`
	ClientToken                   string                         `json:"clientToken,omitempty"`
	LaunchType                    string                         `json:"launchType,omitempty"`
	CapacityProviderStrategy      []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	PlatformVersion               string                         `json:"platformVersion,omitempty"`
	Role                          string                         `json:"role,omitempty"`
	DeploymentConfiguration       *DeploymentConfiguration       `json:"deploymentConfiguration,omitempty"`
	PlacementConstraints          []PlacementConstraint          `json:"placementConstraints,omitempty"`
	PlacementStrategy             []PlacementStrategy            `json:"placementStrategy,omitempty"`
	NetworkConfiguration          *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	HealthCheckGracePeriodSeconds *int                           `json:"healthCheckGracePeriodSeconds,omitempty"`
	SchedulingStrategy            string                         `json:"schedulingStrategy,omitempty"`
	DeploymentController          *DeploymentController          `json:"deploymentController,omitempty"`
	Tags                          []Tag                          `json:"tags,omitempty"`
	EnableECSManagedTags          bool                           `json:"enableECSManagedTags,omitempty"`
	PropagateTags                 string                         `json:"propagateTags,omitempty"`
	EnableExecuteCommand          bool                           `json:"enableExecuteCommand,omitempty"`
	ServiceConnectConfiguration   json.RawMessage                `json:"serviceConnectConfiguration,omitempty"`
	VolumeConfigurations          json.RawMessage                `json:"volumeConfigurations,omitempty"`
}

// UpdateServiceInput is the UpdateService request. Every field but the service is
// optional and pointers or nil slices mean "leave as is", which is why the booleans
// are pointers here when they are plain in CreateServiceInput.
type UpdateServiceInput struct {
	Cluster                       string                         `json:"cluster,omitempty"`
	Service                       string                         `json:"service"`
	DesiredCount                  *int                           `json:"desiredCount,omitempty"`
	TaskDefinition                *string                        `json:"taskDefinition,omitempty"`
	CapacityProviderStrategy      []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	DeploymentConfiguration       *DeploymentConfiguration       `json:"deploymentConfiguration,omitempty"`
	AvailabilityZoneRebalancing   *string                        `json:"availabilityZoneRebalancing,omitempty"`
	NetworkConfiguration          *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	PlacementConstraints          []PlacementConstraint          `json:"placementConstraints,omitempty"`
	PlacementStrategy             []PlacementStrategy            `json:"placementStrategy,omitempty"`
	PlatformVersion               *string                        `json:"platformVersion,omitempty"`
	ForceNewDeployment            bool                           `json:"forceNewDeployment,omitempty"`
	HealthCheckGracePeriodSeconds *int                           `json:"healthCheckGracePeriodSeconds,omitempty"`
	DeploymentController          *DeploymentController          `json:"deploymentController,omitempty"`
	EnableExecuteCommand          *bool                          `json:"enableExecuteCommand,omitempty"`
	EnableECSManagedTags          *bool                          `json:"enableECSManagedTags,omitempty"`
	LoadBalancers                 []LoadBalancer                 `json:"loadBalancers,omitempty"`
	PropagateTags                 *string                        `json:"propagateTags,omitempty"`
	ServiceRegistries             []ServiceRegistry              `json:"serviceRegistries,omitempty"`
	ServiceConnectConfiguration   json.RawMessage                `json:"serviceConnectConfiguration,omitempty"`
	VolumeConfigurations          json.RawMessage                `json:"volumeConfigurations,omitempty"`
}

// ServiceOutput is the response of CreateService, UpdateService and DeleteService.
type ServiceOutput struct {
	Service *Service `json:"service"`
}

// DeleteServiceInput is the DeleteService request (spec §5.14).
type DeleteServiceInput struct {
	Cluster string `json:"cluster,omitempty"`
	Service string `json:"service"`
	Force   *bool  `json:"force,omitempty"`
}

// DescribeServicesInput is the DescribeServices request; include may hold "TAGS".
type DescribeServicesInput struct {
	Cluster  string   `json:"cluster,omitempty"`
	Services []string `json:"services"`
	Include  []string `json:"include,omitempty"`
}

// DescribeServicesOutput is the DescribeServices response; unknown names are failures
// with reason MISSING.
type DescribeServicesOutput struct {
	Services []*Service `json:"services"`
	Failures []Failure  `json:"failures"`
}

// ListServicesInput is the ListServices request.
type ListServicesInput struct {
	Cluster            string `json:"cluster,omitempty"`
	LaunchType         string `json:"launchType,omitempty"`
	SchedulingStrategy string `json:"schedulingStrategy,omitempty"`
	ListInput
}

// ListServicesByNamespaceInput is the ListServicesByNamespace request.
type ListServicesByNamespaceInput struct {
	Namespace string `json:"namespace"`
	ListInput
}

// ListServicesOutput is the response of ListServices and ListServicesByNamespace.
type ListServicesOutput struct {
	ServiceArns []string `json:"serviceArns"`
	NextToken   *string  `json:"nextToken,omitempty"`
}

// UpdateTaskProtectionInput is the UpdateTaskProtection request (spec §5.11).
type UpdateTaskProtectionInput struct {
	Cluster           string   `json:"cluster,omitempty"`
	Tasks             []string `json:"tasks"`
	ProtectionEnabled bool     `json:"protectionEnabled"`
	ExpiresInMinutes  *int     `json:"expiresInMinutes,omitempty"`
}

// GetTaskProtectionInput is the GetTaskProtection request.
type GetTaskProtectionInput struct {
	Cluster string   `json:"cluster,omitempty"`
	Tasks   []string `json:"tasks,omitempty"`
}

// TaskProtectionOutput is the response of UpdateTaskProtection and GetTaskProtection.
type TaskProtectionOutput struct {
	ProtectedTasks []ProtectedTask `json:"protectedTasks"`
	Failures       []Failure       `json:"failures"`
}
