package agent

import (
	"errors"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestContainerSpecErrors lists the inputs no container can be made from; each error
// wraps ErrInvalidSpec and names what is wrong.
func TestContainerSpecErrors(t *testing.T) {
	tests := []struct {
		name, want string
		in         func(*SpecInput)
	}{
		{"no definition", "no container definition", func(in *SpecInput) { in.Container = nil }},
		{"no name", "has no name", func(in *SpecInput) { in.Container.Name = nil }},
		{"no image", "container app: no image", func(in *SpecInput) { in.Container.Image = strp("") }},
		{"no docker name", "no docker name", func(in *SpecInput) { in.DockerName = "" }},
		{"override for another container", `override is for container "db"`, func(in *SpecInput) { in.Override = &ecs.ContainerOverride{Name: "db"} }},
		{"env var without name", `name "" is invalid`, func(in *SpecInput) { in.Container.Environment = []ecs.KeyValuePair{{Value: strp("x")}} }},
		{"env var name with =", `name "A=B" is invalid`, func(in *SpecInput) { in.ExtraEnv = map[string]string{"A=B": "x"} }},
		{"negative cpu", "cpu -1 is negative", func(in *SpecInput) { in.Override = &ecs.ContainerOverride{Name: "app", Cpu: intp(-1)} }},
		{"negative memory", "must not be negative", func(in *SpecInput) { in.Container.MemoryReservation = intp(-5) }},
		{"memory below Docker's minimum", "memory 4 MiB is below", func(in *SpecInput) { in.Container.Memory = intp(4) }},
		{"reservation above memory", "memoryReservation 512 MiB is above the memory limit 256 MiB", func(in *SpecInput) {
			in.Container.Memory = intp(256)
			in.Override = &ecs.ContainerOverride{Name: "app", MemoryReservation: intp(512)}
		}},
		{"reservation above task memory", "above the memory limit 512 MiB", func(in *SpecInput) {
			in.Task.Memory, in.Container.MemoryReservation = 512, intp(1024)
		}},
		{"unknown network mode", `network mode "nat"`, func(in *SpecInput) { in.Task.NetworkMode = "nat" }},
		{"bad protocol", `protocol "sctp"`, func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80), Protocol: strp("sctp")}}
		}},
		{"port and range", "both set", func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80), ContainerPortRange: strp("80-81")}}
		}},
		{"no port", "neither containerPort", func(in *SpecInput) { in.Container.PortMappings = []ecs.PortMapping{{HostPort: intp(80)}} }},
		{"backwards range", `"9002-9000" is not first-last`, func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPortRange: strp("9002-9000")}}
		}},
		{"range without dash", `"9000" is not first-last`, func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPortRange: strp("9000")}}
		}},
		{"port out of range", "outside 1-65535", func(in *SpecInput) { in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(70000)}} }},
		{"host port out of range", "hostPort 65536", func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPort: intp(80), HostPort: intp(65536)}}
		}},
		{"range above the cap", "more than 1024 ports", func(in *SpecInput) {
			in.Container.PortMappings = []ecs.PortMapping{{ContainerPortRange: strp("10000-20000")}}
		}},
		{"empty health command", "healthCheck: command is empty", func(in *SpecInput) { in.Container.HealthCheck = &ecs.HealthCheck{} }},
		{"CMD without a command", "healthCheck: command is empty", func(in *SpecInput) {
			in.Container.HealthCheck = &ecs.HealthCheck{Command: []string{"CMD"}}
		}},
		{"tmpfs without size", "size 0 MiB must be positive", func(in *SpecInput) {
			in.Container.LinuxParameters = &ecs.LinuxParameters{Tmpfs: []ecs.Tmpfs{{ContainerPath: "/tmp"}}}
		}},
		{"tmpfs without path", "a tmpfs has no containerPath", func(in *SpecInput) {
			in.Container.LinuxParameters = &ecs.LinuxParameters{Tmpfs: []ecs.Tmpfs{{Size: 1}}}
		}},
		{"tmpfs twice", "listed twice", func(in *SpecInput) {
			in.Container.LinuxParameters = &ecs.LinuxParameters{Tmpfs: []ecs.Tmpfs{{ContainerPath: "/tmp", Size: 1}, {ContainerPath: "/tmp", Size: 2}}}
		}},
		{"negative shm", "sharedMemorySize -1", func(in *SpecInput) {
			in.Container.LinuxParameters = &ecs.LinuxParameters{SharedMemorySize: intp(-1)}
		}},
		{"unknown volume", `the task has no volume "data"`, func(in *SpecInput) {
			in.Container.MountPoints = []ecs.MountPoint{{SourceVolume: strp("data"), ContainerPath: strp("/d")}}
		}},
		{"mount without path", `volume "data" has no containerPath`, func(in *SpecInput) {
			in.Volumes = map[string]TaskVolume{"data": {Type: "volume", Source: "v"}}
			in.Container.MountPoints = []ecs.MountPoint{{SourceVolume: strp("data")}}
		}},
		{"volumesFrom unknown container", `container "init" is not a created container`, func(in *SpecInput) {
			in.Container.VolumesFrom = []ecs.VolumeFrom{{SourceContainer: strp("init")}}
		}},
		{"volumesFrom itself", "cannot mount its own volumes", func(in *SpecInput) {
			in.ContainerIDs = map[string]string{"app": "abc"}
			in.Container.VolumesFrom = []ecs.VolumeFrom{{SourceContainer: strp("app")}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := baseInput()
			tt.in(&in)
			_, err := ContainerSpec(in)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalidSpec) {
				t.Fatalf("err = %v, want an ErrInvalidSpec containing %q", err, tt.want)
			}
		})
	}
}
