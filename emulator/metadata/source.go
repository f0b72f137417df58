package metadata

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Source is what the handler reads. The emulator implements it from its store and its
// container runtime; tests implement it with a map. Every method must be safe for
// concurrent use: the handler serves requests in parallel.
type Source interface {
	// Lookup finds the container whose metadata token this is, and its task (whose
	// Containers include that container). ok is false for a token nobody registered
	// or one whose container is gone.
	Lookup(token string) (task TaskInfo, container ContainerInfo, ok bool)
	// Stats takes one sample of a container's resource usage by its runtime (Docker) ID.
	Stats(ctx context.Context, runtimeID string) (containers.Stats, error)
	// Credentials finds the role credentials registered under a credentials ID.
	Credentials(credentialsID string) (Credentials, bool)
}

// TaskInfo is what the task responses say about a task. The zero value of an optional
// field means "absent": it is left out of the JSON, as ECS leaves it out.
type TaskInfo struct {
	// Cluster is the cluster ARN on Fargate and the short name on EC2, as ECS reports it.
	Cluster            string
	TaskARN            string
	Family             string
	Revision           int
	DesiredStatus      ecs.TaskStatus
	KnownStatus        ecs.TaskStatus
	CPUUnits           int // task-level CPU in units (1024 = 1 vCPU), shown in vCPU; 0 = none
	MemoryMiB          int // task-level memory; 0 = none
	PullStartedAt      time.Time
	PullStoppedAt      time.Time
	ExecutionStoppedAt time.Time
	AvailabilityZone   string
	LaunchType         string // EC2 or FARGATE
	ServiceName        string // when the task belongs to a service (v4)
	VPCID              string // EC2 only (v4)
	// Tags are the task's tags; TaskTags on taskWithTags.
	Tags []ecs.Tag
	// ContainerInstanceTags are the EC2 instance's tags; nil on Fargate.
	ContainerInstanceTags []ecs.Tag
	ClockDrift            *ClockDrift              // v4
	EphemeralStorage      *EphemeralStorageMetrics // Fargate only (v4)
	Containers            []ContainerInfo
}

// ContainerInfo is what the responses say about one container of a task.
type ContainerInfo struct {
	// RuntimeID is the Docker container ID (DockerId, and the key of /task/stats);
	// empty until the container exists, and then it has no stats.
	RuntimeID     string
	Name          string // as in the task definition
	DockerName    string // the name given to Docker (on Fargate, the same as Name)
	Image         string
	ImageID       string // sha256:...
	Labels        map[string]string
	DesiredStatus string // ecs.ContainerRunning, ...
	KnownStatus   string
	ExitCode      *int // nil until the container has exited
	CPUUnits      int
	MemoryMiB     int // hard limit; 0 = none
	CreatedAt     time.Time
	StartedAt     time.Time
	FinishedAt    time.Time
	Type          string // "" means NORMAL
	Ports         []ecs.NetworkBinding
	Networks      []Network
	Health        *Health // nil when the container has no health check
	LogDriver     string  // v4
	LogOptions    map[string]string
	ContainerARN  string // v4
	Snapshotter   string // v4; e.g. overlayfs
	RestartCount  *int   // v4; set when the container has a restart policy
}

// Network is one network attachment of a container. v3 shows only NetworkMode and the
// addresses; the rest is v4 detail that ECS gives for awsvpc.
type Network struct {
	NetworkMode              string // awsvpc, bridge, host, none
	IPv4Addresses            []string
	IPv6Addresses            []string
	AttachmentIndex          *int
	MACAddress               string
	IPv4SubnetCIDRBlock      string
	IPv6SubnetCIDRBlock      string
	DomainNameServers        []string
	DomainNameSearchList     []string
	PrivateDNSName           string
	SubnetGatewayIPv4Address string // ECS writes it in CIDR form, e.g. 192.0.2.1/24
}

// Health is a container's health-check state.
type Health struct {
	Status   string // HEALTHY, UNHEALTHY; "" or UNKNOWN is left out, as the agent does
	Since    time.Time
	ExitCode int    // of the last failed check
	Output   string // of the last check
}

// ClockDrift is the host clock's error bound, as Fargate reports it.
type ClockDrift struct {
	ClockErrorBound            float64 // milliseconds
	ReferenceTimestamp         time.Time
	ClockSynchronizationStatus string // SYNCHRONIZED or NOT_SYNCHRONIZED
}

// EphemeralStorageMetrics is a Fargate task's ephemeral storage, in MiB.
type EphemeralStorageMetrics struct {
	Utilized int64
	Reserved int64
}

// Credentials are a role's temporary credentials as one task may fetch them.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string // "Token" on the wire
	Expiration      time.Time
	RoleARN         string
	// Authorization, when set, is the exact Authorization header a request must carry
	// (what AWS_CONTAINER_AUTHORIZATION_TOKEN holds for the full-URI form). Empty means
	// none is required, as for the relative-URI form ECS uses.
	Authorization string
}

// NewToken returns a fresh unguessable token (128 random bits, hex) for a container's
// metadata URI or an Authorization value.
func NewToken() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("metadata token: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// NewCredentialsID returns a fresh random UUID (version 4), the form ECS gives the ID in
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI.
func NewCredentialsID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("credentials id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// V4Path is the path part of ECS_CONTAINER_METADATA_URI_V4 for a container's token.
func V4Path(token string) string { return "/v4/" + token }

// V3Path is the path part of ECS_CONTAINER_METADATA_URI for a container's token.
func V3Path(token string) string { return "/v3/" + token }

// CredentialsPath is AWS_CONTAINER_CREDENTIALS_RELATIVE_URI for a credentials ID.
func CredentialsPath(credentialsID string) string { return "/v2/credentials/" + credentialsID }
