package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// Endpoints says where containers reach ecsmini's metadata and credentials server.
type Endpoints interface {
	// Reach returns host:port of the server as seen from a container on the named
	// runtime network ("" for the host's own network namespace).
	Reach(ctx context.Context, network string) (string, error)
}

// taskAgentPort is where an awsvpc task reaches ecsmini inside its own network
// namespace: the ECS agent's port, served by the pause container's proxy.
const taskAgentPort = "127.0.0.1:51679"

type tokenEntry struct{ taskARN, container string }

type credEntry struct {
	taskARN string
	creds   metadata.Credentials
}

// register records a container's metadata token.
func (a *Agent) register(token, taskARN, container string) {
	a.mu.Lock()
	a.tokens[token] = tokenEntry{taskARN: taskARN, container: container}
	a.mu.Unlock()
}

// registerCredentials records a task role's credentials under id.
func (a *Agent) registerCredentials(id, taskARN string, c metadata.Credentials) {
	a.mu.Lock()
	a.creds[id] = credEntry{taskARN: taskARN, creds: c}
	a.mu.Unlock()
}

// forget drops every token and credentials ID of a stopped task.
func (a *Agent) forget(taskARN string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for k, v := range a.tokens {
		if v.taskARN == taskARN {
			delete(a.tokens, k)
		}
	}
	for k, v := range a.creds {
		if v.taskARN == taskARN {
			delete(a.creds, k)
		}
	}
}

// Credentials serves the task role credentials registered under id.
func (a *Agent) Credentials(id string) (metadata.Credentials, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	e, ok := a.creds[id]
	return e.creds, ok
}

// Stats samples a container's usage from the runtime.
func (a *Agent) Stats(ctx context.Context, runtimeID string) (containers.Stats, error) {
	return a.cfg.Runtime.Stats(ctx, runtimeID)
}

// Lookup answers the metadata endpoint: the task and container a token belongs to, as
// the control plane records them now.
func (a *Agent) Lookup(token string) (metadata.TaskInfo, metadata.ContainerInfo, bool) {
	a.mu.Lock()
	e, ok := a.tokens[token]
	a.mu.Unlock()
	if !ok {
		return metadata.TaskInfo{}, metadata.ContainerInfo{}, false
	}
	t, td, err := a.cfg.Store.Task(e.taskARN)
	if err != nil {
		return metadata.TaskInfo{}, metadata.ContainerInfo{}, false
	}
	info := taskInfo(t, td, a.cfg.Region, a.cfg.Account)
	ti := metadata.TaskInfo{Cluster: t.ClusterArn, TaskARN: t.TaskArn, Family: td.Family, Revision: td.Revision,
		DesiredStatus: t.DesiredStatus, KnownStatus: t.LastStatus, CPUUnits: info.CPU, MemoryMiB: info.Memory,
		AvailabilityZone: t.AvailabilityZone, LaunchType: t.LaunchType, Tags: t.Tags}
	if t.PullStartedAt != nil {
		ti.PullStartedAt, ti.PullStoppedAt = t.PullStartedAt.Time, t.PullStoppedAt.Time
	}
	if t.ExecutionStoppedAt != nil {
		ti.ExecutionStoppedAt = t.ExecutionStoppedAt.Time
	}
	if strings.HasPrefix(t.Group, "service:") {
		ti.ServiceName = strings.TrimPrefix(t.Group, "service:")
	}
	var mine metadata.ContainerInfo
	for _, c := range t.Containers {
		ci := a.containerInfo(info, td, c)
		if t.DesiredStatus == ecs.StatusStopped {
			ci.DesiredStatus = ecs.ContainerStopped
		}
		ti.Containers = append(ti.Containers, ci)
		if c.Name == e.container {
			mine = ci
		}
	}
	return ti, mine, true
}

func (a *Agent) containerInfo(info TaskInfo, td *ecs.TaskDefinition, c ecs.Container) metadata.ContainerInfo {
	ci := metadata.ContainerInfo{RuntimeID: c.RuntimeID, Name: c.Name, DockerName: DockerName(info, c.Name), Image: c.Image,
		ImageID: c.ImageDigest, DesiredStatus: ecs.ContainerRunning, KnownStatus: c.LastStatus, ExitCode: c.ExitCode,
		ContainerARN: c.ContainerArn, Ports: c.NetworkBindings}
	if cd := containerDef(td, c.Name); cd != nil {
		ci.Labels = ContainerLabels(info, c.Name, cd.DockerLabels)
		ci.CPUUnits = cd.Cpu
		ci.MemoryMiB = ecs.Deref(cd.Memory)
		if cd.LogConfiguration != nil {
			ci.LogDriver, ci.LogOptions = cd.LogConfiguration.LogDriver, awslogsOptions(cd, info.ID, c.RuntimeID)
		}
		if cd.HealthCheck != nil {
			ci.Health = &metadata.Health{Status: c.HealthStatus}
		}
	}
	mode := info.NetworkMode
	if mode == "" {
		mode = ecs.NetworkBridge
	}
	n := metadata.Network{NetworkMode: mode}
	for _, ni := range c.NetworkInterfaces {
		n.IPv4Addresses = append(n.IPv4Addresses, ni.PrivateIpv4Address)
	}
	ci.Networks = []metadata.Network{n}
	return ci
}

// credentialsFor gives a task role's credentials from the configured source.
func (a *Agent) credentialsFor(taskARN, role string) metadata.Credentials {
	now := a.cfg.Clock.Now()
	if a.cfg.Credentials != nil {
		return a.cfg.Credentials(now, taskARN, role)
	}
	return StaticCredentials(now, taskARN, role)
}

// StaticCredentials are the credentials ecsmini hands a task role by default: test
// keys, distinct per task and role so a test can tell them apart, valid for six hours.
func StaticCredentials(now time.Time, taskARN, role string) metadata.Credentials {
	sum := sha256.Sum256([]byte(taskARN + "\x00" + role))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	return metadata.Credentials{AccessKeyID: "ASIA" + h[:16], SecretAccessKey: "ecsmini" + h[16:49],
		SessionToken: "ecsmini-session-" + strconv.FormatInt(now.Unix(), 10) + "-" + h[:24],
		Expiration:   now.Add(6 * time.Hour), RoleARN: role}
}
