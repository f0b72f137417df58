package ecs

// TaskSetInput carries the task set operations' requests (CreateTaskSet,
// DescribeTaskSets, UpdateTaskSet, UpdateServicePrimaryTaskSet, DeleteTaskSet): each
// reads the members it names.
type TaskSetInput struct {
	Cluster                  string                         `json:"cluster,omitempty"`
	Service                  string                         `json:"service,omitempty"`
	TaskSet                  string                         `json:"taskSet,omitempty"`
	TaskSets                 []string                       `json:"taskSets,omitempty"`
	PrimaryTaskSet           string                         `json:"primaryTaskSet,omitempty"`
	Include                  []string                       `json:"include,omitempty"`
	ExternalID               string                         `json:"externalId,omitempty"`
	TaskDefinition           string                         `json:"taskDefinition,omitempty"`
	NetworkConfiguration     *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	LoadBalancers            []LoadBalancer                 `json:"loadBalancers,omitempty"`
	ServiceRegistries        []ServiceRegistry              `json:"serviceRegistries,omitempty"`
	LaunchType               string                         `json:"launchType,omitempty"`
	CapacityProviderStrategy []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	PlatformVersion          string                         `json:"platformVersion,omitempty"`
	Scale                    *Scale                         `json:"scale,omitempty"`
	ClientToken              string                         `json:"clientToken,omitempty"`
	Tags                     []Tag                          `json:"tags,omitempty"`
	Force                    *bool                          `json:"force,omitempty"`
}

// Scale is a task set's share of its service's desiredCount.
type Scale struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// TaskSet is a task set as the task set operations and DescribeServices show it.
type TaskSet struct {
	ID                       string                         `json:"id"`
	TaskSetArn               string                         `json:"taskSetArn"`
	ServiceArn               string                         `json:"serviceArn"`
	ClusterArn               string                         `json:"clusterArn"`
	StartedBy                string                         `json:"startedBy,omitempty"`
	ExternalID               string                         `json:"externalId,omitempty"`
	Status                   string                         `json:"status"`
	TaskDefinition           string                         `json:"taskDefinition"`
	ComputedDesiredCount     int                            `json:"computedDesiredCount"`
	PendingCount             int                            `json:"pendingCount"`
	RunningCount             int                            `json:"runningCount"`
	CreatedAt                *Timestamp                     `json:"createdAt,omitempty"`
	UpdatedAt                *Timestamp                     `json:"updatedAt,omitempty"`
	LaunchType               string                         `json:"launchType,omitempty"`
	CapacityProviderStrategy []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	PlatformVersion          string                         `json:"platformVersion,omitempty"`
	PlatformFamily           string                         `json:"platformFamily,omitempty"`
	NetworkConfiguration     *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	LoadBalancers            []LoadBalancer                 `json:"loadBalancers"`
	ServiceRegistries        []ServiceRegistry              `json:"serviceRegistries"`
	Scale                    *Scale                         `json:"scale,omitempty"`
	StabilityStatus          string                         `json:"stabilityStatus"`
	StabilityStatusAt        *Timestamp                     `json:"stabilityStatusAt,omitempty"`
	Tags                     []Tag                          `json:"tags,omitzero"`
}

// Task set statuses and stability statuses.
const (
	TaskSetPrimary     = "PRIMARY"
	TaskSetActive      = "ACTIVE"
	TaskSetDraining    = "DRAINING"
	TaskSetSteady      = "STEADY_STATE"
	TaskSetStabilizing = "STABILIZING"
	ScalePercent       = "PERCENT"
)

// TaskSetARN is the ARN of a task set of a service.
func (s Scope) TaskSetARN(cluster, service, id string) string {
	return s.arn("task-set/" + cluster + "/" + service + "/" + id)
}

// DescribeTaskSetsOutput is the DescribeTaskSets response.
type DescribeTaskSetsOutput struct {
	TaskSets []TaskSet `json:"taskSets"`
	Failures []Failure `json:"failures"`
}

// TaskSetOutput is the response of the operations that return one task set.
type TaskSetOutput struct {
	TaskSet *TaskSet `json:"taskSet"`
}

// CodeTaskSetNotFound is the exception for a task set the service does not have.
const CodeTaskSetNotFound = "TaskSetNotFoundException"

// ErrTaskSetNotFound is ECS's answer for a task set the service does not have.
func ErrTaskSetNotFound() *Error {
	return Errorf(CodeTaskSetNotFound, "The specified task set does not exist.")
}

// ErrTaskSetsNeedExternal is ECS's answer to task set management on a service that
// uses the ECS deployment controller.
func ErrTaskSetsNeedExternal() *Error {
	return InvalidParameter("Amazon ECS only supports task set management on services configured to use external deployment controllers.")
}
