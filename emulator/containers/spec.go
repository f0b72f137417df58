package containers

import "time"

// Spec is everything needed to create a container. Zero values mean "engine default".
type Spec struct {
	Name   string // unique among the engine's containers
	Image  string
	Labels map[string]string

	Entrypoint []string // nil keeps the image's
	Cmd        []string // nil keeps the image's
	Env        []string // KEY=VALUE
	WorkingDir string
	User       string
	Hostname   string

	// Resources. MemoryLimit is the hard limit (bytes, kernel OOM-kills above it);
	// MemoryReservation the soft limit; CPUShares relative weight (minimum 2);
	// NanoCPUs an absolute cap (1e9 = one CPU).
	MemoryLimit       int64
	MemoryReservation int64
	CPUShares         int64
	NanoCPUs          int64

	// Networking. NetworkMode is "bridge", "host", "none", "container:<id>" (share
	// another container's network namespace, as awsvpc tasks share their pause
	// container's) or the name of a network from EnsureNetwork.
	NetworkMode string
	Aliases     []string // DNS names on a named network
	Ports       []PortBinding
	DNS         []string
	ExtraHosts  []string // host:ip

	Health     *HealthCheck
	StopSignal string // default SIGTERM

	Init           bool
	ReadonlyRootfs bool
	Privileged     bool
	CapAdd         []string
	CapDrop        []string
	Tmpfs          map[string]string // path → options
	ShmSize        int64             // bytes
	Ulimits        []Ulimit
	Mounts         []Mount
	VolumesFrom    []string // container IDs[:ro]
}

// PortBinding publishes a container port. HostPort 0 asks the engine for a free port;
// Inspect reports the one chosen.
type PortBinding struct {
	ContainerPort int
	Protocol      string // tcp (default) or udp
	HostIP        string // e.g. 127.0.0.1; "" is all interfaces
	HostPort      int
}

// HealthCheck is a container health check. Test is Docker's form: ["CMD", args...],
// ["CMD-SHELL", "command"] or ["NONE"].
type HealthCheck struct {
	Test        []string
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
}

// Ulimit is a resource limit.
type Ulimit struct {
	Name       string
	Soft, Hard int64
}

// Mount is a bind, named volume or tmpfs mount.
type Mount struct {
	Type     string // bind, volume or tmpfs
	Source   string // host path (bind) or volume name (volume)
	Target   string
	ReadOnly bool
	// VolumeLabels label a volume that Create makes for a volume mount.
	VolumeLabels map[string]string
}
