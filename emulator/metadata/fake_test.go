package metadata

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// fakeSource is a Source over maps: tokens name a (task, container) pair, and each
// runtime ID has a queue of stats samples, the last repeated once the queue runs out.
type fakeSource struct {
	mu      sync.Mutex
	tasks   map[string]TaskInfo           // task ARN → task
	tokens  map[string][2]string          // token → task ARN, container name
	samples map[string][]containers.Stats // runtime ID → samples
	creds   map[string]Credentials
}

func newFakeSource() *fakeSource {
	return &fakeSource{
		tasks:   map[string]TaskInfo{},
		tokens:  map[string][2]string{},
		samples: map[string][]containers.Stats{},
		creds:   map[string]Credentials{},
	}
}

func (f *fakeSource) addTask(t TaskInfo) { f.tasks[t.TaskARN] = t }

func (f *fakeSource) register(token, taskARN, container string) {
	f.tokens[token] = [2]string{taskARN, container}
}

func (f *fakeSource) Lookup(token string) (TaskInfo, ContainerInfo, bool) {
	ref, ok := f.tokens[token]
	if !ok {
		return TaskInfo{}, ContainerInfo{}, false
	}
	t, ok := f.tasks[ref[0]]
	if !ok {
		return TaskInfo{}, ContainerInfo{}, false
	}
	for _, c := range t.Containers {
		if c.Name == ref[1] {
			return t, c, true
		}
	}
	return TaskInfo{}, ContainerInfo{}, false
}

var errNoStats = errors.New("no such container")

func (f *fakeSource) Stats(_ context.Context, runtimeID string) (containers.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.samples[runtimeID]
	if len(q) == 0 {
		return containers.Stats{}, errNoStats
	}
	s := q[0]
	if len(q) > 1 {
		f.samples[runtimeID] = q[1:]
	}
	return s, nil
}

func (f *fakeSource) Credentials(id string) (Credentials, bool) {
	c, ok := f.creds[id]
	return c, ok
}

func ptr[T any](v T) *T { return &v }

var t0 = time.Date(2024, 5, 1, 12, 0, 0, 123456789, time.UTC)

// fargateTask is a two-container Fargate task in awsvpc mode, shaped like the AWS
// documentation's example.
func fargateTask(id, cluster string) TaskInfo {
	arn := "arn:aws:ecs:us-east-1:123456789012:task/" + cluster + "/" + id
	labels := func(name string) map[string]string {
		return map[string]string{
			"com.amazonaws.ecs.cluster":                 "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster,
			"com.amazonaws.ecs.container-name":          name,
			"com.amazonaws.ecs.task-arn":                arn,
			"com.amazonaws.ecs.task-definition-family":  "web",
			"com.amazonaws.ecs.task-definition-version": "5",
		}
	}
	network := Network{
		NetworkMode:              ecs.NetworkAwsvpc,
		IPv4Addresses:            []string{"10.0.2.100"},
		AttachmentIndex:          ptr(0),
		MACAddress:               "0a:de:f6:10:51:e5",
		IPv4SubnetCIDRBlock:      "10.0.2.0/24",
		DomainNameServers:        []string{"10.0.0.2"},
		DomainNameSearchList:     []string{"us-east-1.compute.internal"},
		PrivateDNSName:           "ip-10-0-2-100.ec2.internal",
		SubnetGatewayIPv4Address: "10.0.2.1/24",
	}
	return TaskInfo{
		Cluster:          "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster,
		TaskARN:          arn,
		Family:           "web",
		Revision:         5,
		DesiredStatus:    ecs.StatusRunning,
		KnownStatus:      ecs.StatusRunning,
		CPUUnits:         256,
		MemoryMiB:        512,
		PullStartedAt:    t0,
		PullStoppedAt:    t0.Add(5 * time.Second),
		AvailabilityZone: "us-east-1a",
		LaunchType:       ecs.LaunchFargate,
		ServiceName:      "web-svc",
		Tags:             []ecs.Tag{{Key: ptr("team"), Value: ptr("blue")}},
		ClockDrift: &ClockDrift{
			ClockErrorBound: 0.5, ReferenceTimestamp: t0, ClockSynchronizationStatus: "SYNCHRONIZED",
		},
		EphemeralStorage: &EphemeralStorageMetrics{Utilized: 261, Reserved: 20496},
		Containers: []ContainerInfo{
			{
				RuntimeID: id + "-app", Name: "app", DockerName: "app", Image: "nginx:1.27",
				ImageID: "sha256:aaaa", Labels: labels("app"),
				DesiredStatus: ecs.ContainerRunning, KnownStatus: ecs.ContainerRunning,
				CPUUnits: 128, MemoryMiB: 256, CreatedAt: t0.Add(6 * time.Second), StartedAt: t0.Add(7 * time.Second),
				Ports:     []ecs.NetworkBinding{{ContainerPort: ptr(80), HostPort: ptr(80), Protocol: "tcp", BindIP: "0.0.0.0"}},
				Networks:  []Network{network},
				Health:    &Health{Status: "HEALTHY", Since: t0.Add(20 * time.Second), Output: "ok"},
				LogDriver: "awslogs",
				LogOptions: map[string]string{
					"awslogs-group": "/ecs/web", "awslogs-region": "us-east-1", "awslogs-stream": "ecs/app/" + id,
				},
				ContainerARN: "arn:aws:ecs:us-east-1:123456789012:container/" + cluster + "/" + id + "/app",
				Snapshotter:  "overlayfs",
			},
			{
				RuntimeID: id + "-sidecar", Name: "sidecar", DockerName: "sidecar", Image: "busybox",
				ImageID: "sha256:bbbb", Labels: labels("sidecar"),
				DesiredStatus: ecs.ContainerStopped, KnownStatus: ecs.ContainerStopped, ExitCode: ptr(0),
				CreatedAt: t0.Add(6 * time.Second), StartedAt: t0.Add(7 * time.Second), FinishedAt: t0.Add(9 * time.Second),
				Networks:     []Network{network},
				ContainerARN: "arn:aws:ecs:us-east-1:123456789012:container/" + cluster + "/" + id + "/sidecar",
			},
		},
	}
}
