package ecs

// Container instance statuses (spec ecs-control-plane §3.1).
const (
	InstanceActive        = "ACTIVE"
	InstanceDraining      = "DRAINING"
	InstanceRegistering   = "REGISTERING"
	InstanceDeregistering = "DEREGISTERING"
	InstanceInactive      = "INACTIVE"
)

// ContainerInstance is a container instance as DescribeContainerInstances shows it.
type ContainerInstance struct {
	ContainerInstanceArn string                `json:"containerInstanceArn"`
	Ec2InstanceId        string                `json:"ec2InstanceId,omitempty"`
	CapacityProviderName string                `json:"capacityProviderName,omitempty"`
	Version              int64                 `json:"version"`
	VersionInfo          *VersionInfo          `json:"versionInfo,omitempty"`
	RemainingResources   []Resource            `json:"remainingResources"`
	RegisteredResources  []Resource            `json:"registeredResources"`
	Status               string                `json:"status"`
	StatusReason         string                `json:"statusReason,omitempty"`
	AgentConnected       bool                  `json:"agentConnected"`
	RunningTasksCount    int                   `json:"runningTasksCount"`
	PendingTasksCount    int                   `json:"pendingTasksCount"`
	Attributes           []Attribute           `json:"attributes"`
	RegisteredAt         *Timestamp            `json:"registeredAt,omitempty"`
	Attachments          []Attachment          `json:"attachments"`
	Tags                 []Tag                 `json:"tags,omitempty"`
	HealthStatus         *InstanceHealthStatus `json:"healthStatus,omitempty"`
}

// VersionInfo is the agent and Docker versions an instance registered with.
type VersionInfo struct {
	AgentVersion  string `json:"agentVersion,omitempty"`
	AgentHash     string `json:"agentHash,omitempty"`
	DockerVersion string `json:"dockerVersion,omitempty"`
}

// Resource is one registered or remaining resource of a container instance.
type Resource struct {
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	DoubleValue    float64  `json:"doubleValue"`
	LongValue      int64    `json:"longValue"`
	IntegerValue   int      `json:"integerValue"`
	StringSetValue []string `json:"stringSetValue,omitempty"`
}

// InstanceHealthStatus is what DescribeContainerInstances shows with the include
// CONTAINER_INSTANCE_HEALTH.
type InstanceHealthStatus struct {
	OverallStatus string                 `json:"overallStatus"`
	Details       []InstanceHealthDetail `json:"details,omitempty"`
}

// InstanceHealthDetail is one health check of an instance.
type InstanceHealthDetail struct {
	Type             string     `json:"type"`
	Status           string     `json:"status"`
	LastUpdated      *Timestamp `json:"lastUpdated,omitempty"`
	LastStatusChange *Timestamp `json:"lastStatusChange,omitempty"`
}
