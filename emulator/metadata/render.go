package metadata

import (
	"strconv"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// minimumCPUUnits is the least container CPU the agent reports: it hands Docker two CPU
// shares for a null, zero or one-unit cpu, and says so in Limits.
const minimumCPUUnits = 2

// version says which endpoint generation is answering; v4 adds fields to v3.
type version int

const (
	v3 version = 3
	v4 version = 4
)

func renderTask(t TaskInfo, v version, withTags bool) taskResponse {
	out := taskResponse{
		Cluster:            t.Cluster,
		TaskARN:            t.TaskARN,
		Family:             t.Family,
		Revision:           strconv.Itoa(t.Revision),
		DesiredStatus:      statusName(t.DesiredStatus),
		KnownStatus:        statusName(t.KnownStatus),
		Limits:             taskLimits(t.CPUUnits, t.MemoryMiB),
		PullStartedAt:      timeOrNil(t.PullStartedAt),
		PullStoppedAt:      timeOrNil(t.PullStoppedAt),
		ExecutionStoppedAt: timeOrNil(t.ExecutionStoppedAt),
		AvailabilityZone:   t.AvailabilityZone,
	}
	for _, c := range t.Containers {
		out.Containers = append(out.Containers, renderContainer(c, v))
	}
	if withTags {
		out.TaskTags = tagMap(t.Tags)
		out.ContainerInstanceTags = tagMap(t.ContainerInstanceTags)
	}
	if v < v4 {
		return out
	}
	out.ServiceName = t.ServiceName
	out.VPCID = t.VPCID
	out.LaunchType = t.LaunchType
	if d := t.ClockDrift; d != nil {
		out.ClockDrift = &clockDriftResponse{
			ClockErrorBound:            d.ClockErrorBound,
			ReferenceTimestamp:         timeOrNil(d.ReferenceTimestamp),
			ClockSynchronizationStatus: d.ClockSynchronizationStatus,
		}
	}
	if e := t.EphemeralStorage; e != nil {
		out.EphemeralStorageMetrics = &ephemeralStorageOut{Utilized: e.Utilized, Reserved: e.Reserved}
	}
	return out
}

func renderContainer(c ContainerInfo, v version) containerResponse {
	cpu := float64(max(c.CPUUnits, minimumCPUUnits))
	out := containerResponse{
		DockerID:      c.RuntimeID,
		Name:          c.Name,
		DockerName:    c.DockerName,
		Image:         c.Image,
		ImageID:       c.ImageID,
		Labels:        c.Labels,
		DesiredStatus: c.DesiredStatus,
		KnownStatus:   c.KnownStatus,
		ExitCode:      c.ExitCode,
		Limits:        limitsResponse{CPU: &cpu},
		CreatedAt:     timeOrNil(c.CreatedAt),
		StartedAt:     timeOrNil(c.StartedAt),
		FinishedAt:    timeOrNil(c.FinishedAt),
		Type:          c.Type,
	}
	if c.MemoryMiB > 0 {
		mem := int64(c.MemoryMiB)
		out.Limits.Memory = &mem
	}
	if out.Type == "" {
		out.Type = "NORMAL"
	}
	for _, b := range c.Ports {
		out.Ports = append(out.Ports, renderPort(b, v))
	}
	for _, n := range c.Networks {
		out.Networks = append(out.Networks, renderNetwork(n, v))
	}
	if h := c.Health; h != nil {
		status := h.Status
		if status == "UNKNOWN" {
			status = ""
		}
		out.Health = &healthResponse{Status: status, Since: timeOrNil(h.Since), ExitCode: h.ExitCode, Output: h.Output}
	}
	if v >= v4 {
		out.LogDriver = c.LogDriver
		out.LogOptions = c.LogOptions
		out.ContainerARN = c.ContainerARN
		out.Snapshotter = c.Snapshotter
		out.RestartCount = c.RestartCount
	}
	return out
}

func renderPort(b ecs.NetworkBinding, v version) portResponse {
	out := portResponse{Protocol: b.Protocol}
	if b.ContainerPort != nil {
		out.ContainerPort = *b.ContainerPort
	}
	if b.HostPort != nil {
		out.HostPort = *b.HostPort
	}
	if out.Protocol == "" {
		out.Protocol = "tcp"
	}
	if v >= v4 {
		out.HostIP = b.BindIP
	}
	return out
}

func renderNetwork(n Network, v version) networkResponse {
	out := networkResponse{NetworkMode: n.NetworkMode, IPv4Addresses: n.IPv4Addresses, IPv6Addresses: n.IPv6Addresses}
	if v < v4 {
		return out
	}
	out.AttachmentIndex = n.AttachmentIndex
	out.MACAddress = n.MACAddress
	out.IPv4SubnetCIDRBlock = n.IPv4SubnetCIDRBlock
	out.IPv6SubnetCIDRBlock = n.IPv6SubnetCIDRBlock
	out.DomainNameServers = n.DomainNameServers
	out.DomainNameSearchList = n.DomainNameSearchList
	out.PrivateDNSName = n.PrivateDNSName
	out.SubnetGatewayIPv4Address = n.SubnetGatewayIPv4Address
	return out
}

// taskLimits is nil when the task defines neither, so Limits is left out as ECS does.
func taskLimits(cpuUnits, memoryMiB int) *limitsResponse {
	if cpuUnits <= 0 && memoryMiB <= 0 {
		return nil
	}
	var l limitsResponse
	if cpuUnits > 0 {
		vcpu := float64(cpuUnits) / 1024
		l.CPU = &vcpu
	}
	if memoryMiB > 0 {
		mem := int64(memoryMiB)
		l.Memory = &mem
	}
	return &l
}

// statusName is the wire name, or "" (left out) for a status not yet known.
func statusName(s ecs.TaskStatus) string {
	if s == ecs.StatusUnknown {
		return ""
	}
	return s.String()
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func tagMap(tags []ecs.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if t.Key == nil {
			continue
		}
		value := ""
		if t.Value != nil {
			value = *t.Value
		}
		m[*t.Key] = value
	}
	return m
}
