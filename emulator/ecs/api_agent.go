package ecs

// The operations a container agent calls (the "agent-side" API): it registers its
// instance (RegisterContainerInstance), asks where to poll for work
// (DiscoverPollEndpoint) and reports what its tasks, containers and attachments did.

// DiscoverPollEndpointInput names the instance an agent polls for.
type DiscoverPollEndpointInput struct {
	Cluster           string `json:"cluster,omitempty"`
	ContainerInstance string `json:"containerInstance,omitempty"`
}

// DiscoverPollEndpointOutput says where an agent opens its sessions: ACS (work),
// TCS (telemetry) and the Service Connect endpoint.
type DiscoverPollEndpointOutput struct {
	Endpoint               string `json:"endpoint"`
	TelemetryEndpoint      string `json:"telemetryEndpoint"`
	ServiceConnectEndpoint string `json:"serviceConnectEndpoint"`
}

// ContainerStateChange is one container's change inside SubmitTaskStateChange.
type ContainerStateChange struct {
	ContainerName   string           `json:"containerName,omitempty"`
	ImageDigest     string           `json:"imageDigest,omitempty"`
	RuntimeID       string           `json:"runtimeId,omitempty"`
	ExitCode        *int             `json:"exitCode,omitempty"`
	NetworkBindings []NetworkBinding `json:"networkBindings,omitempty"`
	Reason          string           `json:"reason,omitempty"`
	Status          string           `json:"status,omitempty"`
}

// AttachmentStateChange is an attachment's (an ENI's) new status.
type AttachmentStateChange struct {
	AttachmentArn string `json:"attachmentArn"`
	Status        string `json:"status"`
}

// ManagedAgentStateChange is a managed agent's (ExecuteCommandAgent's) new status.
type ManagedAgentStateChange struct {
	ContainerName    string `json:"containerName"`
	ManagedAgentName string `json:"managedAgentName"`
	Status           string `json:"status"`
	Reason           string `json:"reason,omitempty"`
}

// SubmitTaskStateChangeInput is a task's change as its agent reports it.
type SubmitTaskStateChangeInput struct {
	Cluster            string                    `json:"cluster,omitempty"`
	Task               string                    `json:"task,omitempty"`
	Status             string                    `json:"status,omitempty"`
	Reason             string                    `json:"reason,omitempty"`
	Containers         []ContainerStateChange    `json:"containers,omitempty"`
	Attachments        []AttachmentStateChange   `json:"attachments,omitempty"`
	ManagedAgents      []ManagedAgentStateChange `json:"managedAgents,omitempty"`
	PullStartedAt      *Timestamp                `json:"pullStartedAt,omitempty"`
	PullStoppedAt      *Timestamp                `json:"pullStoppedAt,omitempty"`
	ExecutionStoppedAt *Timestamp                `json:"executionStoppedAt,omitempty"`
}

// SubmitContainerStateChangeInput is one container's change as its agent reports it.
type SubmitContainerStateChangeInput struct {
	Cluster         string           `json:"cluster,omitempty"`
	Task            string           `json:"task,omitempty"`
	ContainerName   string           `json:"containerName,omitempty"`
	RuntimeID       string           `json:"runtimeId,omitempty"`
	Status          string           `json:"status,omitempty"`
	ExitCode        *int             `json:"exitCode,omitempty"`
	Reason          string           `json:"reason,omitempty"`
	NetworkBindings []NetworkBinding `json:"networkBindings,omitempty"`
}

// SubmitAttachmentStateChangesInput reports attachments' changes.
type SubmitAttachmentStateChangesInput struct {
	Cluster     string                  `json:"cluster,omitempty"`
	Attachments []AttachmentStateChange `json:"attachments"`
}

// AcknowledgmentOutput answers the Submit*StateChange operations.
type AcknowledgmentOutput struct {
	Acknowledgment string `json:"acknowledgment"`
}

// UpdateContainerAgentInput asks for an instance's agent to be updated.
type UpdateContainerAgentInput struct {
	Cluster           string `json:"cluster,omitempty"`
	ContainerInstance string `json:"containerInstance"`
}
