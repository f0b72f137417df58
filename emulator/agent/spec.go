package agent

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ErrInvalidSpec is wrapped by every error ContainerSpec returns: the inputs describe a
// container that cannot be created (a mountPoint naming no task volume, a memory
// reservation above the limit, ...). Registration validates most of this; the rest can
// only be known when a task (with its overrides) runs.
var ErrInvalidSpec = errors.New("invalid container spec")

// Environment variables ecsmini injects into every task container, as ECS does.
const (
	EnvMetadataURIV4       = "ECS_CONTAINER_METADATA_URI_V4"
	EnvMetadataURIV3       = "ECS_CONTAINER_METADATA_URI"
	EnvAgentURI            = "ECS_AGENT_URI"
	EnvRegion              = "AWS_REGION"
	EnvDefaultRegion       = "AWS_DEFAULT_REGION"
	EnvExecutionEnv        = "AWS_EXECUTION_ENV"
	EnvCredentialsRelative = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
	EnvCredentialsFull     = "AWS_CONTAINER_CREDENTIALS_FULL_URI"
)

// SpecInput is everything ContainerSpec needs; the caller resolves whatever needs I/O
// or task-wide decisions (network namespaces, volumes, secrets, env files) beforehand,
// so that ContainerSpec stays a pure function.
type SpecInput struct {
	Task      TaskInfo
	Container *ecs.ContainerDefinition
	Override  *ecs.ContainerOverride // the RunTask override for this container, or nil

	DockerName string // see DockerName
	// NetworkMode is the runtime's: "container:<pauseID>" for awsvpc, "bridge", "host",
	// "none" or a network name.
	NetworkMode string
	HostIP      string // where published ports listen, e.g. 127.0.0.1

	// URIs to inject; each is set only when non-empty.
	MetadataURIV4, MetadataURIV3, AgentURI     string
	CredentialsRelativeURI, CredentialsFullURI string

	// ExtraEnv holds environmentFiles, already resolved by the caller. It has the
	// lowest precedence: "environment takes precedence over environmentFiles".
	ExtraEnv map[string]string
	// Secrets holds the container's secrets, already resolved by the caller. As in the
	// ECS agent, which merges them into the environment after it, they win over
	// environment and the override's environment.
	Secrets map[string]string
	// Volumes are the task's volumes by name, resolved to runtime mounts.
	Volumes map[string]TaskVolume
	// ContainerIDs maps the task's other container names to runtime IDs, for volumesFrom.
	ContainerIDs map[string]string
}

// TaskVolume is a task volume as the runtime mounts it.
type TaskVolume struct {
	Type   string // bind, volume or tmpfs
	Source string // host path or volume name
	Labels map[string]string
}

// ContainerSpec maps one ECS container definition of a running task onto the runtime's
// Spec, the way the ECS agent maps it onto docker create. It never mutates its inputs and
// the Spec shares no slices or maps with them.
//
// Not mapped, because Spec has no field for them (ecsmini accepts and ignores them):
// links, dnsSearchDomains, dockerSecurityOptions, interactive, pseudoTerminal,
// systemControls, logConfiguration (ecsmini keeps logs itself), linuxParameters.devices,
// maxSwap and swappiness (the runtime disables swap), resourceRequirements. stopTimeout
// is not part of a Spec: see StopTimeout.
func ContainerSpec(in SpecInput) (containers.Spec, error) {
	cd := in.Container
	if cd == nil {
		return containers.Spec{}, fmt.Errorf("%w: no container definition", ErrInvalidSpec)
	}
	name := ecs.Deref(cd.Name)
	var err error
	switch {
	case name == "":
		err = errors.New("container definition has no name")
	case ecs.Deref(cd.Image) == "":
		err = errors.New("no image")
	case in.DockerName == "":
		err = errors.New("no docker name")
	case in.Override != nil && in.Override.Name != name:
		err = fmt.Errorf("override is for container %q", in.Override.Name)
	}
	if err != nil {
		return containers.Spec{}, specError(name, err)
	}
	spec := containers.Spec{
		Name:           in.DockerName,
		Image:          *cd.Image,
		Labels:         withLabels(ContainerLabels(in.Task, name, cd.DockerLabels), awslogsLabels(cd, in.Task.ID)),
		Entrypoint:     slices.Clone(cd.EntryPoint),
		Cmd:            slices.Clone(cd.Command),
		WorkingDir:     ecs.Deref(cd.WorkingDirectory),
		User:           ecs.Deref(cd.User),
		Hostname:       ecs.Deref(cd.Hostname),
		NetworkMode:    in.NetworkMode,
		DNS:            slices.Clone(cd.DNSServers),
		ReadonlyRootfs: ecs.Deref(cd.ReadonlyRootFilesystem),
		Privileged:     ecs.Deref(cd.Privileged),
	}
	if in.Override != nil && in.Override.Command != nil {
		spec.Cmd = slices.Clone(in.Override.Command)
	}
	if ecs.Deref(cd.DisableNetworking) {
		spec.NetworkMode = ecs.NetworkNone
	}
	for _, h := range cd.ExtraHosts {
		spec.ExtraHosts = append(spec.ExtraHosts, h.Hostname+":"+h.IPAddress)
	}
	if strings.HasPrefix(spec.NetworkMode, "container:") {
		// A container that joins the pause container's namespace shares its hostname,
		// hosts file and resolv.conf, and Docker refuses these on it: a bridge-mode
		// Service Connect task's pause container carries them (see pauseSpec).
		spec.Hostname, spec.ExtraHosts, spec.DNS = "", nil, nil
	}
	steps := []func(SpecInput, *containers.Spec) error{
		setEnvironment, setResources, setPorts, setHealth, setLinuxParameters, setMounts,
	}
	for _, step := range steps {
		if err := step(in, &spec); err != nil {
			return containers.Spec{}, specError(name, err)
		}
	}
	return spec, nil
}

func specError(container string, err error) error {
	return fmt.Errorf("%w: container %s: %w", ErrInvalidSpec, container, err)
}

// setEnvironment layers the environment as ECS does, lowest precedence first: env files
// (ExtraEnv), the definition's environment, the override's environment (per name),
// secrets, then what ECS injects. AWS_REGION and AWS_DEFAULT_REGION are only defaults: a
// task that sets them (to reach another region) keeps its value. The metadata, agent and
// credentials URIs and AWS_EXECUTION_ENV always win, since they are how the task finds
// ecsmini and a stale copy would point it at nothing. The result is sorted by name so
// that equal inputs give byte-equal specs.
func setEnvironment(in SpecInput, spec *containers.Spec) error {
	env := maps.Clone(in.ExtraEnv)
	if env == nil {
		env = map[string]string{}
	}
	layers := [][]ecs.KeyValuePair{in.Container.Environment}
	if in.Override != nil {
		layers = append(layers, in.Override.Environment)
	}
	for _, layer := range layers {
		for _, kv := range layer {
			env[ecs.Deref(kv.Name)] = ecs.Deref(kv.Value)
		}
	}
	maps.Copy(env, in.Secrets)
	if in.Task.Region != "" {
		for _, k := range []string{EnvRegion, EnvDefaultRegion} {
			if _, set := env[k]; !set {
				env[k] = in.Task.Region
			}
		}
	}
	env[EnvExecutionEnv] = executionEnv(in.Task.LaunchType)
	for k, v := range map[string]string{
		EnvMetadataURIV4: in.MetadataURIV4, EnvMetadataURIV3: in.MetadataURIV3, EnvAgentURI: in.AgentURI,
		EnvCredentialsRelative: in.CredentialsRelativeURI, EnvCredentialsFull: in.CredentialsFullURI,
	} {
		if v != "" {
			env[k] = v
		}
	}
	keys := make([]string, 0, len(env))
	for k := range env {
		if k == "" || strings.Contains(k, "=") {
			return fmt.Errorf("environment variable name %q is invalid", k)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		spec.Env = append(spec.Env, k+"="+env[k])
	}
	return nil
}

// executionEnv is AWS_EXECUTION_ENV for a launch type. EXTERNAL (ECS Anywhere) runs the
// same agent as EC2, so it gets AWS_ECS_EC2 too.
func executionEnv(launchType string) string {
	if launchType == ecs.LaunchFargate {
		return "AWS_ECS_FARGATE"
	}
	return "AWS_ECS_EC2"
}

const (
	mib          = 1 << 20
	minCPUShares = 2 // ECS agent ≥1.2.0: cpu null, 0 and 1 become 2 shares
	minMemoryMiB = 6 // Docker ≥20.10 refuses smaller hard limits
)

// setResources maps cpu and memory, with the override's values replacing the
// definition's. Container memory is Docker's hard limit, memoryReservation its soft
// limit, cpu relative CPU shares.
//
// Task-level cpu and memory are a gap: ECS puts a task's containers in one cgroup capped
// at the task size, but Docker has no cgroup above the container. ecsmini applies the task
// size to each container instead: every container gets NanoCPUs = task cpu/1024 CPUs,
// and a container without its own memory gets the task memory as its hard limit. So no
// single container can exceed the task, but together they can (up to N times the task).
func setResources(in SpecInput, spec *containers.Spec) error {
	cd, ov := in.Container, in.Override
	cpu, memory, reservation := cd.Cpu, cd.Memory, cd.MemoryReservation
	if ov != nil {
		if ov.Cpu != nil {
			cpu = *ov.Cpu
		}
		if ov.Memory != nil {
			memory = ov.Memory
		}
		if ov.MemoryReservation != nil {
			reservation = ov.MemoryReservation
		}
	}
	switch {
	case cpu < 0:
		return fmt.Errorf("cpu %d is negative", cpu)
	case ecs.Deref(memory) < 0 || ecs.Deref(reservation) < 0 || in.Task.Memory < 0 || in.Task.CPU < 0:
		return errors.New("memory, memoryReservation and task cpu/memory must not be negative")
	case memory != nil && *memory > 0 && *memory < minMemoryMiB:
		return fmt.Errorf("memory %d MiB is below Docker's minimum of %d MiB", *memory, minMemoryMiB)
	}
	spec.CPUShares = int64(max(cpu, minCPUShares))
	if in.Task.CPU > 0 {
		spec.NanoCPUs = int64(in.Task.CPU) * 1e9 / 1024
	}
	if m := ecs.Deref(memory); m > 0 {
		spec.MemoryLimit = int64(m) * mib
	} else if in.Task.Memory > 0 {
		spec.MemoryLimit = int64(in.Task.Memory) * mib
	}
	spec.MemoryReservation = int64(ecs.Deref(reservation)) * mib
	if spec.MemoryLimit > 0 && spec.MemoryReservation > spec.MemoryLimit {
		return fmt.Errorf("memoryReservation %d MiB is above the memory limit %d MiB",
			spec.MemoryReservation/mib, spec.MemoryLimit/mib)
	}
	return nil
}
