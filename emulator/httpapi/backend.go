package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Backend is what the ECS API needs from the control plane, one group per resource.
type Backend interface {
	ClusterBackend
	CapacityProviderBackend
	TaskDefinitionBackend
	TagBackend
	AccountSettingBackend
	TaskBackend
	ServiceBackend
	ServiceDeploymentBackend
	TaskSetBackend
	GatewayBackend
	ExpressBackend
	DaemonBackend
	InstanceBackend
	AgentBackend
	ExecBackend
}

// ServiceBackend serves the service and task protection operations.
type ServiceBackend interface {
	CreateService(context.Context, *ecs.CreateServiceInput) (*ecs.ServiceOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput) (*ecs.ServiceOutput, error)
	DeleteService(context.Context, *ecs.DeleteServiceInput) (*ecs.ServiceOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput) (*ecs.DescribeServicesOutput, error)
	ListServices(context.Context, *ecs.ListServicesInput) (*ecs.ListServicesOutput, error)
	ListServicesByNamespace(context.Context, *ecs.ListServicesByNamespaceInput) (*ecs.ListServicesOutput, error)
	UpdateTaskProtection(context.Context, *ecs.UpdateTaskProtectionInput) (*ecs.TaskProtectionOutput, error)
	GetTaskProtection(context.Context, *ecs.GetTaskProtectionInput) (*ecs.TaskProtectionOutput, error)
}

// TaskBackend serves the task operations.
type TaskBackend interface {
	RunTask(context.Context, *ecs.RunTaskInput) (*ecs.TasksOutput, error)
	StopTask(context.Context, *ecs.StopTaskInput) (*ecs.TaskOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput) (*ecs.TasksOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput) (*ecs.ListTasksOutput, error)
}

// ClusterBackend serves the cluster operations.
type ClusterBackend interface {
	CreateCluster(context.Context, *ecs.CreateClusterInput) (*ecs.ClusterOutput, error)
	DescribeClusters(context.Context, *ecs.DescribeClustersInput) (*ecs.DescribeClustersOutput, error)
	ListClusters(context.Context, *ecs.ListInput) (*ecs.ListClustersOutput, error)
	UpdateCluster(context.Context, *ecs.UpdateClusterInput) (*ecs.ClusterOutput, error)
	UpdateClusterSettings(context.Context, *ecs.UpdateClusterSettingsInput) (*ecs.ClusterOutput, error)
	DeleteCluster(context.Context, *ecs.ClusterRef) (*ecs.ClusterOutput, error)
	PutClusterCapacityProviders(context.Context, *ecs.PutClusterCapacityProvidersInput) (*ecs.ClusterOutput, error)
}

// CapacityProviderBackend serves the capacity provider operations.
type CapacityProviderBackend interface {
	CreateCapacityProvider(context.Context, *ecs.CreateCapacityProviderInput) (*ecs.CapacityProviderOutput, error)
	DescribeCapacityProviders(context.Context, *ecs.DescribeCapacityProvidersInput) (*ecs.DescribeCapacityProvidersOutput, error)
	UpdateCapacityProvider(context.Context, *ecs.UpdateCapacityProviderInput) (*ecs.CapacityProviderOutput, error)
	DeleteCapacityProvider(context.Context, *ecs.DeleteCapacityProviderInput) (*ecs.CapacityProviderOutput, error)
}

// TaskDefinitionBackend serves the task definition operations.
type TaskDefinitionBackend interface {
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error)
	ListTaskDefinitionFamilies(context.Context, *ecs.ListTaskDefinitionFamiliesInput) (*ecs.ListTaskDefinitionFamiliesOutput, error)
	DeregisterTaskDefinition(context.Context, *ecs.TaskDefinitionRef) (*ecs.TaskDefinitionOutput, error)
	DeleteTaskDefinitions(context.Context, *ecs.DeleteTaskDefinitionsInput) (*ecs.DeleteTaskDefinitionsOutput, error)
}

// TagBackend serves the tagging operations.
type TagBackend interface {
	TagResource(context.Context, *ecs.TagResourceInput) (*ecs.Empty, error)
	UntagResource(context.Context, *ecs.UntagResourceInput) (*ecs.Empty, error)
	ListTagsForResource(context.Context, *ecs.ResourceRef) (*ecs.TagsOutput, error)
}

// AccountSettingBackend serves the account setting operations.
type AccountSettingBackend interface {
	PutAccountSetting(context.Context, *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error)
	PutAccountSettingDefault(context.Context, *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error)
	DeleteAccountSetting(context.Context, *ecs.DeleteAccountSettingInput) (*ecs.SettingOutput, error)
	ListAccountSettings(context.Context, *ecs.ListAccountSettingsInput) (*ecs.ListAccountSettingsOutput, error)
}
