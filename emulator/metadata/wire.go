package metadata

import "time"

// The wire types below are the TMDE's JSON, field names as the ECS agent writes them
// (github.com/aws/amazon-ecs-agent, ecs-agent/tmds/handlers/v2 and v4/state). v3 and
// v4 share them: every v4-only field is omitempty and simply left unset for v3.

type taskResponse struct {
	Cluster                 string               `json:"Cluster"`
	ServiceName             string               `json:"ServiceName,omitempty"`
	VPCID                   string               `json:"VPCID,omitempty"`
	TaskARN                 string               `json:"TaskARN"`
	Family                  string               `json:"Family"`
	Revision                string               `json:"Revision"`
	DesiredStatus           string               `json:"DesiredStatus,omitempty"`
	KnownStatus             string               `json:"KnownStatus"`
	Limits                  *limitsResponse      `json:"Limits,omitempty"`
	PullStartedAt           *time.Time           `json:"PullStartedAt,omitempty"`
	PullStoppedAt           *time.Time           `json:"PullStoppedAt,omitempty"`
	ExecutionStoppedAt      *time.Time           `json:"ExecutionStoppedAt,omitempty"`
	AvailabilityZone        string               `json:"AvailabilityZone,omitempty"`
	TaskTags                map[string]string    `json:"TaskTags,omitempty"`
	ContainerInstanceTags   map[string]string    `json:"ContainerInstanceTags,omitempty"`
	LaunchType              string               `json:"LaunchType,omitempty"`
	Containers              []containerResponse  `json:"Containers,omitempty"`
	ClockDrift              *clockDriftResponse  `json:"ClockDrift,omitempty"`
	EphemeralStorageMetrics *ephemeralStorageOut `json:"EphemeralStorageMetrics,omitempty"`
}

type containerResponse struct {
	DockerID      string            `json:"DockerId"`
	Name          string            `json:"Name"`
	DockerName    string            `json:"DockerName"`
	Image         string            `json:"Image"`
	ImageID       string            `json:"ImageID"`
	Ports         []portResponse    `json:"Ports,omitempty"`
	Labels        map[string]string `json:"Labels,omitempty"`
	DesiredStatus string            `json:"DesiredStatus"`
	KnownStatus   string            `json:"KnownStatus"`
	ExitCode      *int              `json:"ExitCode,omitempty"`
	Limits        limitsResponse    `json:"Limits"`
	CreatedAt     *time.Time        `json:"CreatedAt,omitempty"`
	StartedAt     *time.Time        `json:"StartedAt,omitempty"`
	FinishedAt    *time.Time        `json:"FinishedAt,omitempty"`
	Type          string            `json:"Type"`
	Health        *healthResponse   `json:"Health,omitempty"`
	LogDriver     string            `json:"LogDriver,omitempty"`
	LogOptions    map[string]string `json:"LogOptions,omitempty"`
	ContainerARN  string            `json:"ContainerARN,omitempty"`
	Networks      []networkResponse `json:"Networks,omitempty"`
	Snapshotter   string            `json:"Snapshotter,omitempty"`
	RestartCount  *int              `json:"RestartCount,omitempty"`
}

// limitsResponse is CPU in vCPU at task level and in units at container level.
type limitsResponse struct {
	CPU    *float64 `json:"CPU,omitempty"`
	Memory *int64   `json:"Memory,omitempty"`
}

type portResponse struct {
	ContainerPort int    `json:"ContainerPort,omitempty"`
	Protocol      string `json:"Protocol,omitempty"`
	HostPort      int    `json:"HostPort,omitempty"`
	HostIP        string `json:"HostIp,omitempty"`
}

type networkResponse struct {
	NetworkMode              string   `json:"NetworkMode,omitempty"`
	IPv4Addresses            []string `json:"IPv4Addresses,omitempty"`
	IPv6Addresses            []string `json:"IPv6Addresses,omitempty"`
	AttachmentIndex          *int     `json:"AttachmentIndex,omitempty"`
	MACAddress               string   `json:"MACAddress,omitempty"`
	IPv4SubnetCIDRBlock      string   `json:"IPv4SubnetCIDRBlock,omitempty"`
	IPv6SubnetCIDRBlock      string   `json:"IPv6SubnetCIDRBlock,omitempty"`
	DomainNameServers        []string `json:"DomainNameServers,omitempty"`
	DomainNameSearchList     []string `json:"DomainNameSearchList,omitempty"`
	PrivateDNSName           string   `json:"PrivateDNSName,omitempty"`
	SubnetGatewayIPv4Address string   `json:"SubnetGatewayIpv4Address,omitempty"`
}

// healthResponse is lower camel case on the wire, unlike everything around it; the
// agent serialises its health struct as is.
type healthResponse struct {
	Status   string     `json:"status,omitempty"`
	Since    *time.Time `json:"statusSince,omitempty"`
	ExitCode int        `json:"exitCode,omitempty"`
	Output   string     `json:"output,omitempty"`
}

type clockDriftResponse struct {
	ClockErrorBound            float64    `json:"ClockErrorBound,omitempty"`
	ReferenceTimestamp         *time.Time `json:"ReferenceTimestamp,omitempty"`
	ClockSynchronizationStatus string     `json:"ClockSynchronizationStatus,omitempty"`
}

type ephemeralStorageOut struct {
	Utilized int64 `json:"Utilized"`
	Reserved int64 `json:"Reserved"`
}

type credentialsResponse struct {
	RoleArn         string `json:"RoleArn"`
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

// errorResponse is the agent's error body.
type errorResponse struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
