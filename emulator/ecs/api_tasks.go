package ecs

// RunTaskInput is the RunTask request.
type RunTaskInput struct {
	CapacityProviderStrategy []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	Cluster                  string                         `json:"cluster,omitempty"`
	Count                    *int                           `json:"count,omitempty"`
	EnableECSManagedTags     bool                           `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand     bool                           `json:"enableExecuteCommand,omitempty"`
	Group                    string                         `json:"group,omitempty"`
	LaunchType               string                         `json:"launchType,omitempty"`
	NetworkConfiguration     *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	Overrides                *TaskOverride                  `json:"overrides,omitempty"`
	PlacementConstraints     []PlacementConstraint          `json:"placementConstraints,omitempty"`
	PlacementStrategy        []PlacementStrategy            `json:"placementStrategy,omitempty"`
	PlatformVersion          string                         `json:"platformVersion,omitempty"`
	PropagateTags            string                         `json:"propagateTags,omitempty"`
	ReferenceID              string                         `json:"referenceId,omitempty"`
	StartedBy                string                         `json:"startedBy,omitempty"`
	Tags                     []Tag                          `json:"tags,omitempty"`
	TaskDefinition           string                         `json:"taskDefinition"`
	ClientToken              string                         `json:"clientToken,omitempty"`
}

// TasksOutput is the response of RunTask and DescribeTasks.
type TasksOutput struct {
	Tasks    []*Task   `json:"tasks"`
	Failures []Failure `json:"failures"`
}

// StopTaskInput is the StopTask request.
type StopTaskInput struct {
	Cluster string `json:"cluster,omitempty"`
	Task    string `json:"task"`
	Reason  string `json:"reason,omitempty"`
}

// TaskOutput is the StopTask response.
type TaskOutput struct {
	Task *Task `json:"task"`
}

// DescribeTasksInput is the DescribeTasks request.
type DescribeTasksInput struct {
	Cluster string   `json:"cluster,omitempty"`
	Tasks   []string `json:"tasks"`
	Include []string `json:"include,omitempty"`
}

// ListTasksInput is the ListTasks request.
type ListTasksInput struct {
	Cluster           string `json:"cluster,omitempty"`
	ContainerInstance string `json:"containerInstance,omitempty"`
	Family            string `json:"family,omitempty"`
	StartedBy         string `json:"startedBy,omitempty"`
	ServiceName       string `json:"serviceName,omitempty"`
	DesiredStatus     string `json:"desiredStatus,omitempty"`
	LaunchType        string `json:"launchType,omitempty"`
	ListInput
}

// ListTasksOutput is the ListTasks response.
type ListTasksOutput struct {
	TaskArns  []string `json:"taskArns"`
	NextToken *string  `json:"nextToken,omitempty"`
}
