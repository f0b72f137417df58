package ecs

// TaskDefinition is a registered task definition revision.
type TaskDefinition struct {
	TaskDefinitionArn       string                              `json:"taskDefinitionArn"`
	ContainerDefinitions    []ContainerDefinition               `json:"containerDefinitions"`
	Family                  string                              `json:"family"`
	TaskRoleArn             *string                             `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        *string                             `json:"executionRoleArn,omitempty"`
	NetworkMode             *string                             `json:"networkMode,omitempty"`
	Revision                int                                 `json:"revision"`
	Volumes                 []Volume                            `json:"volumes"`
	Status                  string                              `json:"status"`
	RequiresAttributes      []Attribute                         `json:"requiresAttributes,omitempty"`
	PlacementConstraints    []TaskDefinitionPlacementConstraint `json:"placementConstraints"`
	Compatibilities         []string                            `json:"compatibilities"`
	RuntimePlatform         *RuntimePlatform                    `json:"runtimePlatform,omitempty"`
	RequiresCompatibilities []string                            `json:"requiresCompatibilities,omitempty"`
	Cpu                     *string                             `json:"cpu,omitempty"`
	Memory                  *string                             `json:"memory,omitempty"`
	InferenceAccelerators   []InferenceAccelerator              `json:"inferenceAccelerators,omitempty"`
	PidMode                 *string                             `json:"pidMode,omitempty"`
	IpcMode                 *string                             `json:"ipcMode,omitempty"`
	ProxyConfiguration      *ProxyConfiguration                 `json:"proxyConfiguration,omitempty"`
	RegisteredAt            *Timestamp                          `json:"registeredAt,omitempty"`
	DeregisteredAt          *Timestamp                          `json:"deregisteredAt,omitempty"`
	DeleteRequestedAt       *Timestamp                          `json:"deleteRequestedAt,omitempty"`
	RegisteredBy            *string                             `json:"registeredBy,omitempty"`
	EphemeralStorage        *EphemeralStorage                   `json:"ephemeralStorage,omitempty"`
	EnableFaultInjection    *bool                               `json:"enableFaultInjection,omitempty"`
}

// Task definition statuses.
const (
	TaskDefActive           = "ACTIVE"
	TaskDefInactive         = "INACTIVE"
	TaskDefDeleteInProgress = "DELETE_IN_PROGRESS"
)

// Launch types / compatibilities.
const (
	LaunchEC2      = "EC2"
	LaunchFargate  = "FARGATE"
	LaunchExternal = "EXTERNAL"
)

// Network modes.
const (
	NetworkBridge = "bridge"
	NetworkHost   = "host"
	NetworkAwsvpc = "awsvpc"
	NetworkNone   = "none"
)

// RegisterTaskDefinitionInput is the RegisterTaskDefinition request.
type RegisterTaskDefinitionInput struct {
	Family                  string                              `json:"family"`
	TaskRoleArn             *string                             `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        *string                             `json:"executionRoleArn,omitempty"`
	NetworkMode             *string                             `json:"networkMode,omitempty"`
	ContainerDefinitions    []ContainerDefinition               `json:"containerDefinitions"`
	Volumes                 []Volume                            `json:"volumes,omitempty"`
	PlacementConstraints    []TaskDefinitionPlacementConstraint `json:"placementConstraints,omitempty"`
	RequiresCompatibilities []string                            `json:"requiresCompatibilities,omitempty"`
	Cpu                     *string                             `json:"cpu,omitempty"`
	Memory                  *string                             `json:"memory,omitempty"`
	Tags                    []Tag                               `json:"tags,omitempty"`
	PidMode                 *string                             `json:"pidMode,omitempty"`
	IpcMode                 *string                             `json:"ipcMode,omitempty"`
	ProxyConfiguration      *ProxyConfiguration                 `json:"proxyConfiguration,omitempty"`
	InferenceAccelerators   []InferenceAccelerator              `json:"inferenceAccelerators,omitempty"`
	EphemeralStorage        *EphemeralStorage                   `json:"ephemeralStorage,omitempty"`
	RuntimePlatform         *RuntimePlatform                    `json:"runtimePlatform,omitempty"`
	EnableFaultInjection    *bool                               `json:"enableFaultInjection,omitempty"`
}

// ContainerDefinition describes one container of a task definition.
type ContainerDefinition struct {
	Name                   *string                 `json:"name,omitempty"`
	Image                  *string                 `json:"image,omitempty"`
	RepositoryCredentials  *RepositoryCredentials  `json:"repositoryCredentials,omitempty"`
	Cpu                    int                     `json:"cpu"`
	Memory                 *int                    `json:"memory,omitempty"`
	MemoryReservation      *int                    `json:"memoryReservation,omitempty"`
	Links                  []string                `json:"links,omitempty"`
	PortMappings           []PortMapping           `json:"portMappings"`
	Essential              *bool                   `json:"essential,omitempty"`
	RestartPolicy          *ContainerRestartPolicy `json:"restartPolicy,omitempty"`
	EntryPoint             []string                `json:"entryPoint,omitempty"`
	Command                []string                `json:"command,omitempty"`
	Environment            []KeyValuePair          `json:"environment"`
	EnvironmentFiles       []EnvironmentFile       `json:"environmentFiles,omitempty"`
	MountPoints            []MountPoint            `json:"mountPoints"`
	VolumesFrom            []VolumeFrom            `json:"volumesFrom"`
	LinuxParameters        *LinuxParameters        `json:"linuxParameters,omitempty"`
	Secrets                []Secret                `json:"secrets,omitempty"`
	DependsOn              []ContainerDependency   `json:"dependsOn,omitempty"`
	StartTimeout           *int                    `json:"startTimeout,omitempty"`
	StopTimeout            *int                    `json:"stopTimeout,omitempty"`
	VersionConsistency     *string                 `json:"versionConsistency,omitempty"`
	Hostname               *string                 `json:"hostname,omitempty"`
	User                   *string                 `json:"user,omitempty"`
	WorkingDirectory       *string                 `json:"workingDirectory,omitempty"`
	DisableNetworking      *bool                   `json:"disableNetworking,omitempty"`
	Privileged             *bool                   `json:"privileged,omitempty"`
	ReadonlyRootFilesystem *bool                   `json:"readonlyRootFilesystem,omitempty"`
	DNSServers             []string                `json:"dnsServers,omitempty"`
	DNSSearchDomains       []string                `json:"dnsSearchDomains,omitempty"`
	ExtraHosts             []HostEntry             `json:"extraHosts,omitempty"`
	DockerSecurityOptions  []string                `json:"dockerSecurityOptions,omitempty"`
	Interactive            *bool                   `json:"interactive,omitempty"`
	PseudoTerminal         *bool                   `json:"pseudoTerminal,omitempty"`
	DockerLabels           map[string]string       `json:"dockerLabels,omitempty"`
	Ulimits                []Ulimit                `json:"ulimits,omitempty"`
	LogConfiguration       *LogConfiguration       `json:"logConfiguration,omitempty"`
	HealthCheck            *HealthCheck            `json:"healthCheck,omitempty"`
	SystemControls         []SystemControl         `json:"systemControls"`
	ResourceRequirements   []ResourceRequirement   `json:"resourceRequirements,omitempty"`
	FirelensConfiguration  *FirelensConfiguration  `json:"firelensConfiguration,omitempty"`
	CredentialSpecs        []string                `json:"credentialSpecs,omitempty"`
}

// IsEssential applies ECS's default: a container is essential unless it says otherwise.
func (c *ContainerDefinition) IsEssential() bool { return c.Essential == nil || *c.Essential }

// RepositoryCredentials names the secret holding private registry credentials.
type RepositoryCredentials struct {
	CredentialsParameter string `json:"credentialsParameter"`
}

// PortMapping maps a container port to the host (or the task ENI).
type PortMapping struct {
	ContainerPort      *int    `json:"containerPort,omitempty"`
	HostPort           *int    `json:"hostPort,omitempty"`
	Protocol           *string `json:"protocol,omitempty"`
	Name               *string `json:"name,omitempty"`
	AppProtocol        *string `json:"appProtocol,omitempty"`
	ContainerPortRange *string `json:"containerPortRange,omitempty"`
}

// ContainerRestartPolicy is the container restart policy.
type ContainerRestartPolicy struct {
	Enabled              *bool `json:"enabled,omitempty"`
	IgnoredExitCodes     []int `json:"ignoredExitCodes,omitempty"`
	RestartAttemptPeriod *int  `json:"restartAttemptPeriod,omitempty"`
}

// EnvironmentFile is a file of VARIABLE=VALUE lines loaded into the container environment.
type EnvironmentFile struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// MountPoint mounts a task volume into a container.
type MountPoint struct {
	SourceVolume  *string `json:"sourceVolume,omitempty"`
	ContainerPath *string `json:"containerPath,omitempty"`
	ReadOnly      *bool   `json:"readOnly,omitempty"`
}

// VolumeFrom mounts all volumes of another container.
type VolumeFrom struct {
	SourceContainer *string `json:"sourceContainer,omitempty"`
	ReadOnly        *bool   `json:"readOnly,omitempty"`
}

// LinuxParameters are Linux-specific container options.
type LinuxParameters struct {
	Capabilities       *KernelCapabilities `json:"capabilities,omitempty"`
	Devices            []Device            `json:"devices,omitempty"`
	InitProcessEnabled *bool               `json:"initProcessEnabled,omitempty"`
	SharedMemorySize   *int                `json:"sharedMemorySize,omitempty"`
	Tmpfs              []Tmpfs             `json:"tmpfs,omitempty"`
	MaxSwap            *int                `json:"maxSwap,omitempty"`
	Swappiness         *int                `json:"swappiness,omitempty"`
}

// KernelCapabilities adds or drops Linux capabilities.
type KernelCapabilities struct {
	Add  []string `json:"add,omitempty"`
	Drop []string `json:"drop,omitempty"`
}

// Device exposes a host device in the container.
type Device struct {
	HostPath      string   `json:"hostPath"`
	ContainerPath *string  `json:"containerPath,omitempty"`
	Permissions   []string `json:"permissions,omitempty"`
}

// Tmpfs is a tmpfs mount.
type Tmpfs struct {
	ContainerPath string   `json:"containerPath"`
	Size          int      `json:"size"`
	MountOptions  []string `json:"mountOptions,omitempty"`
}

// Secret injects a secret into the container environment or log configuration.
type Secret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// ContainerDependency orders container start-up.
type ContainerDependency struct {
	ContainerName string `json:"containerName"`
	Condition     string `json:"condition"`
}

// dependsOn conditions.
const (
	ConditionStart    = "START"
	ConditionComplete = "COMPLETE"
	ConditionSuccess  = "SUCCESS"
	ConditionHealthy  = "HEALTHY"
)

// HostEntry is an /etc/hosts entry.
type HostEntry struct {
	Hostname  string `json:"hostname"`
	IPAddress string `json:"ipAddress"`
}

// Ulimit is a resource limit.
type Ulimit struct {
	Name      string `json:"name"`
	SoftLimit int    `json:"softLimit"`
	HardLimit int    `json:"hardLimit"`
}

// LogConfiguration selects the container's log driver.
type LogConfiguration struct {
	LogDriver     string            `json:"logDriver"`
	Options       map[string]string `json:"options,omitempty"`
	SecretOptions []Secret          `json:"secretOptions,omitempty"`
}

// HealthCheck is a container health check.
type HealthCheck struct {
	Command     []string `json:"command"`
	Interval    *int     `json:"interval,omitempty"`
	Timeout     *int     `json:"timeout,omitempty"`
	Retries     *int     `json:"retries,omitempty"`
	StartPeriod *int     `json:"startPeriod,omitempty"`
}

// SystemControl is a namespaced kernel parameter (sysctl).
type SystemControl struct {
	Namespace *string `json:"namespace,omitempty"`
	Value     *string `json:"value,omitempty"`
}

// ResourceRequirement reserves a GPU or accelerator.
type ResourceRequirement struct {
	Value           string           `json:"value"`
	Type            string           `json:"type"`
	SharingStrategy *SharingStrategy `json:"sharingStrategy,omitempty"`
}

// SharingStrategy configures GPU sharing.
type SharingStrategy struct {
	NvidiaMps *NvidiaMpsAllocation `json:"nvidiaMps,omitempty"`
}

// NvidiaMpsAllocation configures NVIDIA MPS sharing.
type NvidiaMpsAllocation struct {
	Memory            *int `json:"memory,omitempty"`
	MaxComputePercent *int `json:"maxComputePercent,omitempty"`
}

// FirelensConfiguration configures a FireLens log router.
type FirelensConfiguration struct {
	Type    string            `json:"type"`
	Options map[string]string `json:"options,omitempty"`
}

// Volume is a task-level volume.
type Volume struct {
	Name                                    *string                                  `json:"name,omitempty"`
	Host                                    *HostVolumeProperties                    `json:"host,omitempty"`
	DockerVolumeConfiguration               *DockerVolumeConfiguration               `json:"dockerVolumeConfiguration,omitempty"`
	EfsVolumeConfiguration                  *EFSVolumeConfiguration                  `json:"efsVolumeConfiguration,omitempty"`
	S3filesVolumeConfiguration              *S3FilesVolumeConfiguration              `json:"s3filesVolumeConfiguration,omitempty"`
	FsxWindowsFileServerVolumeConfiguration *FSxWindowsFileServerVolumeConfiguration `json:"fsxWindowsFileServerVolumeConfiguration,omitempty"`
	ConfiguredAtLaunch                      *bool                                    `json:"configuredAtLaunch,omitempty"`
}

// HostVolumeProperties is a bind mount, from a host path on EC2.
type HostVolumeProperties struct {
	SourcePath *string `json:"sourcePath,omitempty"`
}

// DockerVolumeConfiguration is a Docker volume.
type DockerVolumeConfiguration struct {
	Scope         *string           `json:"scope,omitempty"`
	Autoprovision *bool             `json:"autoprovision,omitempty"`
	Driver        *string           `json:"driver,omitempty"`
	DriverOpts    map[string]string `json:"driverOpts,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
}

// EFSVolumeConfiguration is an Amazon EFS volume.
type EFSVolumeConfiguration struct {
	FileSystemID          string                  `json:"fileSystemId"`
	RootDirectory         *string                 `json:"rootDirectory,omitempty"`
	TransitEncryption     *string                 `json:"transitEncryption,omitempty"`
	TransitEncryptionPort *int                    `json:"transitEncryptionPort,omitempty"`
	AuthorizationConfig   *EFSAuthorizationConfig `json:"authorizationConfig,omitempty"`
}

// EFSAuthorizationConfig is the EFS access point and IAM configuration.
type EFSAuthorizationConfig struct {
	AccessPointID *string `json:"accessPointId,omitempty"`
	IAM           *string `json:"iam,omitempty"`
}

// S3FilesVolumeConfiguration is an S3 Files volume.
type S3FilesVolumeConfiguration struct {
	FileSystemArn         string  `json:"fileSystemArn"`
	RootDirectory         *string `json:"rootDirectory,omitempty"`
	TransitEncryptionPort *int    `json:"transitEncryptionPort,omitempty"`
	AccessPointArn        *string `json:"accessPointArn,omitempty"`
}

// FSxWindowsFileServerVolumeConfiguration is an FSx for Windows File Server volume.
type FSxWindowsFileServerVolumeConfiguration struct {
	FileSystemID        string                                   `json:"fileSystemId"`
	RootDirectory       string                                   `json:"rootDirectory"`
	AuthorizationConfig *FSxWindowsFileServerAuthorizationConfig `json:"authorizationConfig,omitempty"`
}

// FSxWindowsFileServerAuthorizationConfig holds the FSx credentials and domain.
type FSxWindowsFileServerAuthorizationConfig struct {
	CredentialsParameter string `json:"credentialsParameter"`
	Domain               string `json:"domain"`
}

// TaskDefinitionPlacementConstraint is a memberOf constraint on a task definition.
type TaskDefinitionPlacementConstraint struct {
	Type       string  `json:"type"`
	Expression *string `json:"expression,omitempty"`
}

// RuntimePlatform is the OS family and CPU architecture the task needs.
type RuntimePlatform struct {
	CpuArchitecture       *string `json:"cpuArchitecture,omitempty"`
	OperatingSystemFamily *string `json:"operatingSystemFamily,omitempty"`
}

// InferenceAccelerator is an Elastic Inference accelerator.
type InferenceAccelerator struct {
	DeviceName string `json:"deviceName"`
	DeviceType string `json:"deviceType"`
}

// ProxyConfiguration configures an App Mesh proxy.
type ProxyConfiguration struct {
	Type          *string        `json:"type,omitempty"`
	ContainerName string         `json:"containerName"`
	Properties    []KeyValuePair `json:"properties,omitempty"`
}

// EphemeralStorage is the Fargate ephemeral storage size.
type EphemeralStorage struct {
	SizeInGiB int `json:"sizeInGiB"`
}
