package agent

import (
	"encoding/json"
	"maps"
	"reflect"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var strp = ecs.Ptr[string]

func intp(v int) *int { return ecs.Ptr(v) }

func envKV(name, value string) ecs.KeyValuePair {
	return ecs.KeyValuePair{Name: strp(name), Value: strp(value)}
}

// baseInput is a one-container EC2 bridge task; each case changes what it tests.
func baseInput() SpecInput {
	task := specTestTask
	task.LaunchType, task.NetworkMode = ecs.LaunchEC2, ecs.NetworkBridge
	return SpecInput{
		Task:        task,
		Container:   &ecs.ContainerDefinition{Name: strp("app"), Image: strp("nginx:1.27")},
		DockerName:  "ecs-web-3-app-0123456789abcdef0123456789abcdef",
		NetworkMode: "bridge",
		HostIP:      "127.0.0.1",
	}
}

// baseSpec is what ContainerSpec makes of baseInput.
func baseSpec() containers.Spec {
	in := baseInput()
	return containers.Spec{
		Name:        in.DockerName,
		Image:       "nginx:1.27",
		Labels:      ContainerLabels(in.Task, "app", nil),
		Env:         []string{"AWS_DEFAULT_REGION=us-east-1", "AWS_EXECUTION_ENV=AWS_ECS_EC2", "AWS_REGION=us-east-1"},
		CPUShares:   2,
		NetworkMode: "bridge",
	}
}

func TestContainerSpec(t *testing.T) {
	tests := []struct {
		name string
		in   func(*SpecInput)
		want func(*containers.Spec)
	}{
		{"minimal definition", func(*SpecInput) {}, func(*containers.Spec) {}},
		{"plain fields map one to one", func(in *SpecInput) {
			c := in.Container
			c.EntryPoint, c.Command = []string{"/bin/sh", "-c"}, []string{"echo hi"}
			c.WorkingDirectory, c.User, c.Hostname = strp("/srv"), strp("1000:1000"), strp("web-1")
			c.DNSServers = []string{"10.0.0.2"}
			c.ExtraHosts = []ecs.HostEntry{{Hostname: "db", IPAddress: "10.0.0.9"}, {Hostname: "v6", IPAddress: "::1"}}
			c.ReadonlyRootFilesystem, c.Privileged = ecs.Ptr(true), ecs.Ptr(true)
			c.DockerLabels = map[string]string{"team": "a"}
		}, func(s *containers.Spec) {
			s.Entrypoint, s.Cmd = []string{"/bin/sh", "-c"}, []string{"echo hi"}
			s.WorkingDir, s.User, s.Hostname = "/srv", "1000:1000", "web-1"
			s.DNS, s.ExtraHosts = []string{"10.0.0.2"}, []string{"db:10.0.0.9", "v6:::1"}
			s.ReadonlyRootfs, s.Privileged = true, true
			s.Labels["team"] = "a"
		}},
		{"override command replaces the definition's", func(in *SpecInput) {
			in.Container.Command = []string{"serve"}
			in.Override = &ecs.ContainerOverride{Name: "app", Command: []string{"migrate", "--up"}}
		}, func(s *containers.Spec) { s.Cmd = []string{"migrate", "--up"} }},
		{"disableNetworking means no network", func(in *SpecInput) { in.Container.DisableNetworking = ecs.Ptr(true) },
			func(s *containers.Spec) { s.NetworkMode = "none" }},
		{"env: files < environment < override < injected, sorted", func(in *SpecInput) {
			in.ExtraEnv = map[string]string{"A": "file", "B": "file", "SECRET": "s3cr3t", EnvAgentURI: "file"}
			in.Container.Environment = []ecs.KeyValuePair{envKV("C", "def"), envKV("B", "def"), {Name: strp("EMPTY")}}
			in.Override = &ecs.ContainerOverride{Name: "app", Environment: []ecs.KeyValuePair{envKV("C", "override"), envKV("D", "override")}}
		}, func(s *containers.Spec) {
			s.Env = []string{"A=file", "AWS_DEFAULT_REGION=us-east-1", "AWS_EXECUTION_ENV=AWS_ECS_EC2", "AWS_REGION=us-east-1",
				"B=def", "C=override", "D=override", "ECS_AGENT_URI=file", "EMPTY=", "SECRET=s3cr3t"} // nothing injected over it
		}},
		{"injected URIs win; a region the task sets is kept; Fargate execution env", func(in *SpecInput) {
			in.Task.LaunchType = ecs.LaunchFargate
			in.MetadataURIV4, in.MetadataURIV3 = "http://169.254.170.2/v4/t1", "http://169.254.170.2/v3/t1"
			in.AgentURI = "http://169.254.170.2/api/t1"
			in.CredentialsRelativeURI, in.CredentialsFullURI = "/v2/credentials/c1", "http://127.0.0.1:7000/v2/credentials/c1"
			in.Container.Environment = []ecs.KeyValuePair{envKV(EnvMetadataURIV4, "stale"), envKV(EnvRegion, "eu-west-1"), envKV(EnvExecutionEnv, "mine")}
		}, func(s *containers.Spec) {
			s.Env = []string{
				"AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:7000/v2/credentials/c1",
				"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/c1",
				"AWS_DEFAULT_REGION=us-east-1", "AWS_EXECUTION_ENV=AWS_ECS_FARGATE", "AWS_REGION=eu-west-1",
				"ECS_AGENT_URI=http://169.254.170.2/api/t1",
				"ECS_CONTAINER_METADATA_URI=http://169.254.170.2/v3/t1",
				"ECS_CONTAINER_METADATA_URI_V4=http://169.254.170.2/v4/t1",
			}
		}},
		{"no region, no region variables", func(in *SpecInput) { in.Task.Region = "" },
			func(s *containers.Spec) { s.Env = []string{"AWS_EXECUTION_ENV=AWS_ECS_EC2"} }},
		{"cpu 1 becomes ECS's minimum of 2 shares", func(in *SpecInput) { in.Container.Cpu = 1 }, func(*containers.Spec) {}},
		{"cpu, memory and memoryReservation", func(in *SpecInput) {
			in.Container.Cpu, in.Container.Memory, in.Container.MemoryReservation = 512, intp(512), intp(256)
		}, func(s *containers.Spec) { s.CPUShares, s.MemoryLimit, s.MemoryReservation = 512, 512<<20, 256<<20 }},
		{"override cpu and memory replace the definition's", func(in *SpecInput) {
			in.Container.Cpu, in.Container.Memory, in.Container.MemoryReservation = 512, intp(512), intp(256)
			in.Override = &ecs.ContainerOverride{Name: "app", Cpu: intp(1024), Memory: intp(2048), MemoryReservation: intp(128)}
		}, func(s *containers.Spec) { s.CPUShares, s.MemoryLimit, s.MemoryReservation = 1024, 2048<<20, 128<<20 }},
		{"task size caps a container without its own memory", func(in *SpecInput) {
			in.Task.CPU, in.Task.Memory = 256, 512
			in.Container.MemoryReservation = intp(128)
		}, func(s *containers.Spec) {
			s.NanoCPUs, s.MemoryLimit, s.MemoryReservation = 250_000_000, 512<<20, 128<<20
		}},
		{"container memory beats task memory", func(in *SpecInput) {
			in.Task.CPU, in.Task.Memory = 2048, 4096
			in.Container.Memory = intp(300)
		}, func(s *containers.Spec) { s.NanoCPUs, s.MemoryLimit = 2_000_000_000, 300<<20 }},
		{"bridge ports: static, dynamic, udp, range", func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{
				{ContainerPort: intp(80), HostPort: intp(8080)},
				{ContainerPort: intp(443)},
				{ContainerPort: intp(53), HostPort: intp(0), Protocol: strp("UDP")},
				{ContainerPortRange: strp("9000-9002"), Protocol: strp("tcp")},
			}
		}, func(s *containers.Spec) {
			s.Ports = []containers.PortBinding{
				{ContainerPort: 80, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 8080},
				{ContainerPort: 443, Protocol: "tcp", HostIP: "127.0.0.1"},
				{ContainerPort: 53, Protocol: "udp", HostIP: "127.0.0.1"},
				{ContainerPort: 9000, Protocol: "tcp", HostIP: "127.0.0.1"},
				{ContainerPort: 9001, Protocol: "tcp", HostIP: "127.0.0.1"},
				{ContainerPort: 9002, Protocol: "tcp", HostIP: "127.0.0.1"},
			}
		}},
		{"awsvpc on a named network: engine-chosen host ports", func(in *SpecInput) {
			in.Task.NetworkMode, in.NetworkMode = ecs.NetworkAwsvpc, "ecsmini-dev"
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80), HostPort: intp(80)}}
		}, func(s *containers.Spec) {
			s.NetworkMode = "ecsmini-dev"
			s.Ports = []containers.PortBinding{{ContainerPort: 80, Protocol: "tcp", HostIP: "127.0.0.1"}}
		}},
		{"awsvpc in the pause container's namespace: ports go on the pause container", func(in *SpecInput) {
			in.Task.NetworkMode, in.NetworkMode = ecs.NetworkAwsvpc, "container:pause1"
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80)}}
		}, func(s *containers.Spec) { s.NetworkMode = "container:pause1" }},
		{"host mode publishes nothing", func(in *SpecInput) {
			in.Task.NetworkMode, in.NetworkMode = ecs.NetworkHost, "host"
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80), HostPort: intp(80)}}
		}, func(s *containers.Spec) { s.NetworkMode = "host" }},
		{"none mode publishes nothing", func(in *SpecInput) {
			in.Task.NetworkMode, in.NetworkMode = ecs.NetworkNone, "none"
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80)}}
		}, func(s *containers.Spec) { s.NetworkMode = "none" }},
		{"health check: bare command gets CMD and ECS defaults", func(in *SpecInput) {
			in.Container.HealthCheck = &ecs.HealthCheck{Command: []string{"/bin/check", "-q"}}
		}, func(s *containers.Spec) {
			s.Health = &containers.HealthCheck{Test: []string{"CMD", "/bin/check", "-q"}, Interval: 30 * time.Second, Timeout: 5 * time.Second, Retries: 3}
		}},
		{"health check: CMD-SHELL and explicit values kept", func(in *SpecInput) {
			in.Container.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -f localhost || exit 1"},
				Interval: intp(5), Timeout: intp(2), Retries: intp(10), StartPeriod: intp(60)}
		}, func(s *containers.Spec) {
			s.Health = &containers.HealthCheck{Test: []string{"CMD-SHELL", "curl -f localhost || exit 1"},
				Interval: 5 * time.Second, Timeout: 2 * time.Second, Retries: 10, StartPeriod: time.Minute}
		}},
		{"health check: CMD kept", func(in *SpecInput) {
			in.Container.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD", "true"}, Retries: intp(1)}
		}, func(s *containers.Spec) {
			s.Health = &containers.HealthCheck{Test: []string{"CMD", "true"}, Interval: 30 * time.Second, Timeout: 5 * time.Second, Retries: 1}
		}},
		{"health check: NONE disables the image's check", func(in *SpecInput) {
			in.Container.HealthCheck = &ecs.HealthCheck{Command: []string{"NONE"}}
		}, func(s *containers.Spec) {
			s.Health = &containers.HealthCheck{Test: []string{"NONE"}, Interval: 30 * time.Second, Timeout: 5 * time.Second, Retries: 3}
		}},
		{"ulimits and linuxParameters", func(in *SpecInput) {
			in.Container.Ulimits = []ecs.Ulimit{{Name: "nofile", SoftLimit: 1024, HardLimit: 4096}}
			in.Container.LinuxParameters = &ecs.LinuxParameters{
				InitProcessEnabled: ecs.Ptr(true),
				Capabilities:       &ecs.KernelCapabilities{Add: []string{"SYS_PTRACE"}, Drop: []string{"NET_RAW"}},
				SharedMemorySize:   intp(256),
				Tmpfs:              []ecs.Tmpfs{{ContainerPath: "/tmp", Size: 64}, {ContainerPath: "/run", Size: 8, MountOptions: []string{"noexec", "nosuid"}}},
				Devices:            []ecs.Device{{HostPath: "/dev/fuse"}}, // not mapped
			}
		}, func(s *containers.Spec) {
			s.Ulimits = []containers.Ulimit{{Name: "nofile", Soft: 1024, Hard: 4096}}
			s.Init, s.CapAdd, s.CapDrop, s.ShmSize = true, []string{"SYS_PTRACE"}, []string{"NET_RAW"}, 256<<20
			s.Tmpfs = map[string]string{"/tmp": "size=64m", "/run": "noexec,nosuid,size=8m"}
		}},
		{"mountPoints and volumesFrom", func(in *SpecInput) {
			in.Volumes = map[string]TaskVolume{
				"data":  {Type: "volume", Source: "ecsmini-t1-data", Labels: map[string]string{LabelManaged: "true"}},
				"certs": {Type: "bind", Source: "/etc/certs"},
			}
			in.ContainerIDs = map[string]string{"init": "c0ffee", "conf": "beef"}
			in.Container.MountPoints = []ecs.MountPoint{
				{SourceVolume: strp("data"), ContainerPath: strp("/var/lib/data")},
				{SourceVolume: strp("certs"), ContainerPath: strp("/certs"), ReadOnly: ecs.Ptr(true)},
			}
			in.Container.VolumesFrom = []ecs.VolumeFrom{{SourceContainer: strp("init")}, {SourceContainer: strp("conf"), ReadOnly: ecs.Ptr(true)}}
		}, func(s *containers.Spec) {
			s.Mounts = []containers.Mount{
				{Type: "volume", Source: "ecsmini-t1-data", Target: "/var/lib/data", VolumeLabels: map[string]string{LabelManaged: "true"}},
				{Type: "bind", Source: "/etc/certs", Target: "/certs", ReadOnly: true},
			}
			s.VolumesFrom = []string{"c0ffee", "beef:ro"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, want := baseInput(), baseSpec()
			tt.in(&in)
			tt.want(&want)
			got, err := ContainerSpec(in)
			if err != nil {
				t.Fatalf("ContainerSpec: %v", err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("spec\n got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestContainerSpecLeavesInputsAlone checks that ContainerSpec neither mutates its inputs
// nor returns slices or maps that alias them (the executor may edit a spec freely).
func TestContainerSpecLeavesInputsAlone(t *testing.T) {
	in := baseInput()
	c := in.Container
	c.EntryPoint, c.Command, c.DNSServers = []string{"/e"}, []string{"c"}, []string{"1.1.1.1"}
	c.DockerLabels = map[string]string{"x": "y", LabelTaskARN: "spoof"}
	c.Environment = []ecs.KeyValuePair{envKV("A", "1")}
	c.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD", "true"}}
	c.LinuxParameters = &ecs.LinuxParameters{Capabilities: &ecs.KernelCapabilities{Add: []string{"A"}, Drop: []string{"B"}},
		Tmpfs: []ecs.Tmpfs{{ContainerPath: "/t", Size: 1, MountOptions: []string{"ro"}}}}
	c.MountPoints = []ecs.MountPoint{{SourceVolume: strp("v"), ContainerPath: strp("/v")}}
	in.Override = &ecs.ContainerOverride{Name: "app", Command: []string{"o"}, Environment: []ecs.KeyValuePair{envKV("A", "2")}}
	in.ExtraEnv = map[string]string{"E": "f"}
	in.Volumes = map[string]TaskVolume{"v": {Type: "volume", Source: "s", Labels: map[string]string{"l": "1"}}}
	snapshot := func() string {
		b, err := json.Marshal([]any{in.Container, in.Override, in.ExtraEnv, in.Volumes})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := snapshot()
	spec, err := ContainerSpec(in)
	if err != nil {
		t.Fatal(err)
	}
	if after := snapshot(); after != before {
		t.Fatalf("inputs mutated:\nbefore %s\nafter  %s", before, after)
	}
	spec.Entrypoint[0], spec.Cmd[0], spec.DNS[0], spec.Health.Test[1] = "!", "!", "!", "!"
	spec.CapAdd[0], spec.CapDrop[0] = "!", "!"
	spec.Mounts[0].VolumeLabels["l"] = "!"
	spec.Labels["x"] = "!"
	if after := snapshot(); after != before || !maps.Equal(c.DockerLabels, map[string]string{"x": "y", LabelTaskARN: "spoof"}) {
		t.Fatalf("spec aliases its inputs:\nbefore %s\nafter  %s", before, after)
	}
}
