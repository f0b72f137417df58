package ecs

import "encoding/json"

// Task is an ECS task as DescribeTasks returns it.
type Task struct {
	Attachments             []Attachment           `json:"attachments"`
	Attributes              []Attribute            `json:"attributes,omitempty"`
	AvailabilityZone        string                 `json:"availabilityZone,omitempty"`
	CapacityProviderName    string                 `json:"capacityProviderName,omitempty"`
	ClusterArn              string                 `json:"clusterArn"`
	Connectivity            string                 `json:"connectivity,omitempty"`
	ConnectivityAt          *Timestamp             `json:"connectivityAt,omitempty"`
	ContainerInstanceArn    string                 `json:"containerInstanceArn,omitempty"`
	Containers              []Container            `json:"containers"`
	Cpu                     string                 `json:"cpu,omitempty"`
	CreatedAt               *Timestamp             `json:"createdAt,omitempty"`
	DesiredStatus           TaskStatus             `json:"desiredStatus"`
	EnableExecuteCommand    bool                   `json:"enableExecuteCommand"`
	ExecutionStoppedAt      *Timestamp             `json:"executionStoppedAt,omitempty"`
	Group                   string                 `json:"group,omitempty"`
	HealthStatus            string                 `json:"healthStatus,omitempty"`
	InferenceAccelerators   []InferenceAccelerator `json:"inferenceAccelerators,omitempty"`
	LastStatus              TaskStatus             `json:"lastStatus"`
	LaunchType              string                 `json:"launchType,omitempty"`
	Memory                  string                 `json:"memory,omitempty"`
	Overrides               *TaskOverride          `json:"overrides,omitempty"`
	PlatformVersion         string                 `json:"platformVersion,omitempty"`
	PlatformFamily          string                 `json:"platformFamily,omitempty"`
	PullStartedAt           *Timestamp             `json:"pullStartedAt,omitempty"`
	PullStoppedAt           *Timestamp             `json:"pullStoppedAt,omitempty"`
	StartedAt               *Timestamp             `json:"startedAt,omitempty"`
	StartedBy               string                 `json:"startedBy,omitempty"`
	StopCode                string                 `json:"stopCode,omitempty"`
	StoppedAt               *Timestamp             `json:"stoppedAt,omitempty"`
	StoppedReason           string                 `json:"stoppedReason,omitempty"`
	StoppingAt              *Timestamp             `json:"stoppingAt,omitempty"`
	Tags                    []Tag                  `json:"tags,omitempty"`
	TaskArn                 string                 `json:"taskArn"`
	TaskDefinitionArn       string                 `json:"taskDefinitionArn"`
	Version                 int64                  `json:"version"`
	EphemeralStorage        *EphemeralStorage      `json:"ephemeralStorage,omitempty"`
	FargateEphemeralStorage *EphemeralStorage      `json:"fargateEphemeralStorage,omitempty"`
}

// Container is a container of a task as DescribeTasks returns it.
type Container struct {
	ContainerArn      string             `json:"containerArn"`
	TaskArn           string             `json:"taskArn"`
	Name              string             `json:"name"`
	Image             string             `json:"image"`
	ImageDigest       string             `json:"imageDigest,omitempty"`
	RuntimeID         string             `json:"runtimeId,omitempty"`
	LastStatus        string             `json:"lastStatus"`
	ExitCode          *int               `json:"exitCode,omitempty"`
	Reason            string             `json:"reason,omitempty"`
	NetworkBindings   []NetworkBinding   `json:"networkBindings"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces"`
	HealthStatus      string             `json:"healthStatus,omitempty"`
	ManagedAgents     []ManagedAgent     `json:"managedAgents,omitempty"`
	Cpu               string             `json:"cpu,omitempty"`
	Memory            string             `json:"memory,omitempty"`
	MemoryReservation string             `json:"memoryReservation,omitempty"`
}

// Container statuses (a container's lastStatus).
const (
	ContainerPending = "PENDING"
	ContainerRunning = "RUNNING"
	ContainerStopped = "STOPPED"
)

// NetworkBinding is a published port of a container.
type NetworkBinding struct {
	BindIP             string `json:"bindIP,omitempty"`
	ContainerPort      *int   `json:"containerPort,omitempty"`
	HostPort           *int   `json:"hostPort,omitempty"`
	Protocol           string `json:"protocol,omitempty"`
	ContainerPortRange string `json:"containerPortRange,omitempty"`
	HostPortRange      string `json:"hostPortRange,omitempty"`
}

// NetworkInterface is a container's view of its task's ENI.
type NetworkInterface struct {
	AttachmentID       string `json:"attachmentId,omitempty"`
	PrivateIpv4Address string `json:"privateIpv4Address,omitempty"`
	Ipv6Address        string `json:"ipv6Address,omitempty"`
}

// ManagedAgent is an agent ECS runs beside a container (ECS Exec).
type ManagedAgent struct {
	LastStartedAt *Timestamp `json:"lastStartedAt,omitempty"`
	Name          string     `json:"name"`
	Reason        string     `json:"reason,omitempty"`
	LastStatus    string     `json:"lastStatus,omitempty"`
}

// TaskOverride changes a task definition for one RunTask.
type TaskOverride struct {
	ContainerOverrides []ContainerOverride `json:"containerOverrides,omitempty"`
	Cpu                *string             `json:"cpu,omitempty"`
	ExecutionRoleArn   *string             `json:"executionRoleArn,omitempty"`
	Memory             *string             `json:"memory,omitempty"`
	TaskRoleArn        *string             `json:"taskRoleArn,omitempty"`
	EphemeralStorage   *EphemeralStorage   `json:"ephemeralStorage,omitempty"`
	// InferenceAcceleratorOverrides are stored and echoed; accelerators are not emulated.
	InferenceAcceleratorOverrides json.RawMessage `json:"inferenceAcceleratorOverrides,omitempty"`
}

// ContainerOverride changes one container for one RunTask.
type ContainerOverride struct {
	Name                 string                `json:"name"`
	Command              []string              `json:"command,omitempty"`
	Environment          []KeyValuePair        `json:"environment,omitempty"`
	EnvironmentFiles     []EnvironmentFile     `json:"environmentFiles,omitempty"`
	Cpu                  *int                  `json:"cpu,omitempty"`
	Memory               *int                  `json:"memory,omitempty"`
	MemoryReservation    *int                  `json:"memoryReservation,omitempty"`
	ResourceRequirements []ResourceRequirement `json:"resourceRequirements,omitempty"`
}

// NetworkConfiguration is a task's or service's awsvpc configuration.
type NetworkConfiguration struct {
	AwsvpcConfiguration *AwsVpcConfiguration `json:"awsvpcConfiguration,omitempty"`
}

// AwsVpcConfiguration lists the subnets and security groups of a task ENI; ecsmini
// stores and echoes them.
type AwsVpcConfiguration struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	AssignPublicIp string   `json:"assignPublicIp,omitempty"`
}

// PlacementConstraint constrains where a task is placed.
type PlacementConstraint struct {
	Type       string `json:"type,omitempty"`
	Expression string `json:"expression,omitempty"`
}

// PlacementStrategy orders candidate instances for a task.
type PlacementStrategy struct {
	Type  string `json:"type,omitempty"`
	Field string `json:"field,omitempty"`
}

// Stop codes, as ECS writes them in a task's stopCode.
const (
	StopTaskFailedToStart         = "TaskFailedToStart"
	StopEssentialContainerExited  = "EssentialContainerExited"
	StopUserInitiated             = "UserInitiated"
	StopServiceSchedulerInitiated = "ServiceSchedulerInitiated"
	StopSpotInterruption          = "SpotInterruption"
	StopTerminationNotice         = "TerminationNotice"
)
