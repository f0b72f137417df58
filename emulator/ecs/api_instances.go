package ecs

// RegisterContainerInstanceInput is what an instance's agent (or a user) sends to join
// a cluster.
type RegisterContainerInstanceInput struct {
	Cluster                           string       `json:"cluster,omitempty"`
	InstanceIdentityDocument          string       `json:"instanceIdentityDocument,omitempty"`
	InstanceIdentityDocumentSignature string       `json:"instanceIdentityDocumentSignature,omitempty"`
	TotalResources                    []Resource   `json:"totalResources,omitempty"`
	VersionInfo                       *VersionInfo `json:"versionInfo,omitempty"`
	ContainerInstanceArn              string       `json:"containerInstanceArn,omitempty"`
	Attributes                        []Attribute  `json:"attributes,omitempty"`
	Tags                              []Tag        `json:"tags,omitempty"`
}

// DeregisterContainerInstanceInput removes an instance from a cluster.
type DeregisterContainerInstanceInput struct {
	Cluster           string `json:"cluster,omitempty"`
	ContainerInstance string `json:"containerInstance"`
	Force             *bool  `json:"force,omitempty"`
}

// ContainerInstanceOutput answers the single-instance operations.
type ContainerInstanceOutput struct {
	ContainerInstance *ContainerInstance `json:"containerInstance"`
}

// DescribeContainerInstancesInput names instances of a cluster by ID or ARN.
type DescribeContainerInstancesInput struct {
	Cluster            string   `json:"cluster,omitempty"`
	ContainerInstances []string `json:"containerInstances"`
	Include            []string `json:"include,omitempty"`
}

// ContainerInstancesOutput answers DescribeContainerInstances and
// UpdateContainerInstancesState.
type ContainerInstancesOutput struct {
	ContainerInstances []*ContainerInstance `json:"containerInstances"`
	Failures           []Failure            `json:"failures"`
}

// ListContainerInstancesInput filters a cluster's instances.
type ListContainerInstancesInput struct {
	Cluster string `json:"cluster,omitempty"`
	Filter  string `json:"filter,omitempty"`
	Status  string `json:"status,omitempty"`
	ListInput
}

// ListContainerInstancesOutput is a page of instance ARNs.
type ListContainerInstancesOutput struct {
	ContainerInstanceArns []string `json:"containerInstanceArns"`
	NextToken             *string  `json:"nextToken,omitempty"`
}

// UpdateContainerInstancesStateInput drains instances or makes them ACTIVE again.
type UpdateContainerInstancesStateInput struct {
	Cluster            string   `json:"cluster,omitempty"`
	ContainerInstances []string `json:"containerInstances"`
	Status             string   `json:"status"`
}

// AttributesInput carries the attributes PutAttributes and DeleteAttributes act on.
type AttributesInput struct {
	Cluster    string      `json:"cluster,omitempty"`
	Attributes []Attribute `json:"attributes"`
}

// AttributesOutput lists attributes.
type AttributesOutput struct {
	Attributes []Attribute `json:"attributes"`
	NextToken  *string     `json:"nextToken,omitempty"`
}

// ListAttributesInput filters the attributes of a cluster's resources.
type ListAttributesInput struct {
	Cluster        string `json:"cluster,omitempty"`
	TargetType     string `json:"targetType"`
	AttributeName  string `json:"attributeName,omitempty"`
	AttributeValue string `json:"attributeValue,omitempty"`
	ListInput
}

// StartTaskInput starts a task on named container instances (a custom scheduler's call).
type StartTaskInput struct {
	Cluster              string                `json:"cluster,omitempty"`
	ContainerInstances   []string              `json:"containerInstances"`
	TaskDefinition       string                `json:"taskDefinition"`
	Overrides            *TaskOverride         `json:"overrides,omitempty"`
	Group                string                `json:"group,omitempty"`
	StartedBy            string                `json:"startedBy,omitempty"`
	NetworkConfiguration *NetworkConfiguration `json:"networkConfiguration,omitempty"`
	Tags                 []Tag                 `json:"tags,omitempty"`
	EnableECSManagedTags bool                  `json:"enableECSManagedTags,omitempty"`
	PropagateTags        string                `json:"propagateTags,omitempty"`
	EnableExecuteCommand bool                  `json:"enableExecuteCommand,omitempty"`
	ReferenceID          string                `json:"referenceId,omitempty"`
}
