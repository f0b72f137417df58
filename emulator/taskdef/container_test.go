package taskdef

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func awsvpcInput() *ecs.RegisterTaskDefinitionInput {
	in := ec2Input()
	in.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	return in
}

func hostInput() *ecs.RegisterTaskDefinitionInput {
	in := ec2Input()
	in.NetworkMode = ecs.Ptr(ecs.NetworkHost)
	return in
}

func ports(in *input, pms ...ecs.PortMapping) { app(in).PortMappings = pms }

func port(container int) ecs.PortMapping { return ecs.PortMapping{ContainerPort: ecs.Ptr(container)} }

func TestContainerRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"name blank", ec2Input, func(in *input) { app(in).Name = nil }, msgNameBlank},
		{"name invalid", ec2Input, func(in *input) { app(in).Name = ecs.Ptr("my.app") }, msgNameInvalid},
		{"name too long", ec2Input, func(in *input) { app(in).Name = ecs.Ptr(strings.Repeat("n", 256)) }, msgNameInvalid},
		{"image blank", ec2Input, func(in *input) { app(in).Image = ecs.Ptr("") }, msgImageBlank},
		{"image too long", ec2Input, func(in *input) { app(in).Image = ecs.Ptr(strings.Repeat("i", 256)) }, msgImageTooLong},
		{"image without repository", ec2Input, func(in *input) { app(in).Image = ecs.Ptr(":latest") }, msgImageNoRepository},
		{"memory required", ec2Input, func(in *input) { app(in).Memory = nil },
			"Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified."},
		{"memory minimum", ec2Input, func(in *input) { app(in).Memory = ecs.Ptr(4) }, "minimum allowed value for 'memory' is 6 MiB"},
		{"reservation minimum", ec2Input, func(in *input) { app(in).MemoryReservation = ecs.Ptr(2) }, "minimum allowed value for 'memoryReservation' is 6 MiB"},
		{"memory below reservation", ec2Input, func(in *input) { app(in).MemoryReservation = ecs.Ptr(512) },
			"'memory' must be greater than or equal to 'memoryReservation'"},
		{"negative cpu", ec2Input, func(in *input) { app(in).Cpu = -1 }, "'cpu' must be greater than or equal to 0."},
		{"awsvpc links", awsvpcInput, func(in *input) { app(in).Links = []string{"db"} }, "Links are not supported on container when networkMode=awsvpc."},
		{"awsvpc hostname", awsvpcInput, func(in *input) { app(in).Hostname = ecs.Ptr("web") }, "hostname is not supported on container when networkMode=awsvpc."},
		{"awsvpc dnsServers", awsvpcInput, func(in *input) { app(in).DNSServers = []string{"1.1.1.1"} }, "DNS servers are not supported"},
		{"awsvpc dnsSearchDomains", awsvpcInput, func(in *input) { app(in).DNSSearchDomains = []string{"corp"} }, "DNS search domains are not supported"},
		{"awsvpc extraHosts", awsvpcInput, func(in *input) {
			app(in).ExtraHosts = []ecs.HostEntry{{Hostname: "db", IPAddress: "10.0.0.1"}}
		}, "Extra hosts are not supported on container when networkMode=awsvpc."},
		{"awsvpc disableNetworking", awsvpcInput, func(in *input) { app(in).DisableNetworking = ecs.Ptr(true) }, "disableNetworking is not supported"},
		{"links need bridge", hostInput, func(in *input) { app(in).Links = []string{"db"} }, "Links are only supported when networkMode=bridge."},
		{"startTimeout negative", ec2Input, func(in *input) { app(in).StartTimeout = ecs.Ptr(-1) }, "'startTimeout' must be greater than or equal to 0."},
		{"stopTimeout negative", ec2Input, func(in *input) { app(in).StopTimeout = ecs.Ptr(-5) }, "'stopTimeout' must be greater than or equal to 0."},
		{"unknown volume", ec2Input, func(in *input) {
			app(in).MountPoints = []ecs.MountPoint{{SourceVolume: ecs.Ptr("data"), ContainerPath: ecs.Ptr("/data")}}
		}, "Unknown volume 'data'."},
		{"mount source blank", ec2Input, func(in *input) {
			app(in).MountPoints = []ecs.MountPoint{{ContainerPath: ecs.Ptr("/data")}}
		}, "mountPoints.sourceVolume should not be null or empty."},
		{"mount path blank", ec2Input, func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("data")}}
			app(in).MountPoints = []ecs.MountPoint{{SourceVolume: ecs.Ptr("data")}}
		}, "mountPoints.containerPath should not be null or empty."},
		{"volumesFrom unknown", ec2Input, func(in *input) {
			app(in).VolumesFrom = []ecs.VolumeFrom{{SourceContainer: ecs.Ptr("ghost")}}
		}, "volumesFrom.sourceContainer 'ghost' does not exist."},
		{"ulimit name", ec2Input, func(in *input) {
			app(in).Ulimits = []ecs.Ulimit{{Name: "NOFILE", SoftLimit: 1, HardLimit: 2}}
		}, "Invalid ulimit name 'NOFILE'"},
		{"ulimit soft over hard", ec2Input, func(in *input) {
			app(in).Ulimits = []ecs.Ulimit{{Name: "nofile", SoftLimit: 4096, HardLimit: 1024}}
		}, "Soft limit exceeds hard limit for ulimit nofile"},
		{"log driver", ec2Input, func(in *input) { app(in).LogConfiguration = &ecs.LogConfiguration{LogDriver: "loki"} }, "Invalid logDriver 'loki'"},
		{"capability name", ec2Input, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{Capabilities: &ecs.KernelCapabilities{Drop: []string{"CAP_KILL"}}}
		}, "Invalid capability 'CAP_KILL'."},
		{"swappiness range", ec2Input, func(in *input) { app(in).LinuxParameters = &ecs.LinuxParameters{Swappiness: ecs.Ptr(101)} }, "'swappiness' must be between 0 and 100."},
		{"maxSwap negative", ec2Input, func(in *input) { app(in).LinuxParameters = &ecs.LinuxParameters{MaxSwap: ecs.Ptr(-1)} }, "'maxSwap' must be greater than or equal to 0."},
		{"shm size", ec2Input, func(in *input) { app(in).LinuxParameters = &ecs.LinuxParameters{SharedMemorySize: ecs.Ptr(0)} }, "'sharedMemorySize' must be greater than 0."},
		{"restart period", ec2Input, func(in *input) {
			app(in).RestartPolicy = &ecs.ContainerRestartPolicy{Enabled: ecs.Ptr(true), RestartAttemptPeriod: ecs.Ptr(30)}
		}, "'restartAttemptPeriod' must be between 60 and 1800."},
	})
}

func TestPortMappingRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"containerPort missing", ec2Input, func(in *input) { ports(in, ecs.PortMapping{HostPort: ecs.Ptr(80)}) }, "Invalid 'containerPort' setting for container 'app'."},
		{"containerPort too big", ec2Input, func(in *input) { ports(in, port(70000)) }, "Invalid 'containerPort' setting for container 'app'."},
		{"hostPort out of range", ec2Input, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(-1)})
		}, "Invalid 'hostPort' setting."},
		{"awsvpc host port mismatch", awsvpcInput, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(8080)})
		}, msgAwsvpcPorts},
		{"host host port mismatch", hostInput, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(8080)})
		}, msgHostPorts},
		{"protocol", ec2Input, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), Protocol: ecs.Ptr("sctp")})
		}, "Invalid protocol 'sctp'"},
		{"appProtocol", ec2Input, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), AppProtocol: ecs.Ptr("HTTP")})
		}, "Invalid appProtocol 'HTTP'. Valid values are http, http2 and grpc."},
		{"none mode", ec2Input, func(in *input) { in.NetworkMode = ecs.Ptr(ecs.NetworkNone); ports(in, port(80)) }, "Port mappings are not supported when networkMode=none."},
		{"duplicate port", ec2Input, func(in *input) { ports(in, port(80), port(80)) }, "Container port 80/tcp is in more than one port mapping."},
		{"range overlaps port", ec2Input, func(in *input) {
			ports(in, port(8050), ecs.PortMapping{ContainerPortRange: ecs.Ptr("8000-8100")})
		}, "Container port 8050/tcp is in more than one port mapping."},
		{"range format", ec2Input, func(in *input) { ports(in, ecs.PortMapping{ContainerPortRange: ecs.Ptr("8000")}) }, "Invalid containerPortRange '8000'"},
		{"range reversed", ec2Input, func(in *input) { ports(in, ecs.PortMapping{ContainerPortRange: ecs.Ptr("9000-8000")}) }, "Invalid containerPortRange '9000-8000'"},
		{"range out of bounds", ec2Input, func(in *input) { ports(in, ecs.PortMapping{ContainerPortRange: ecs.Ptr("0-10")}) }, "Invalid containerPortRange '0-10'"},
		{"range with containerPort", ec2Input, func(in *input) {
			ports(in, ecs.PortMapping{ContainerPort: ecs.Ptr(80), ContainerPortRange: ecs.Ptr("8000-8100")})
		}, "containerPort and containerPortRange cannot both be specified."},
		{"range with hostPort", ec2Input, func(in *input) {
			ports(in, ecs.PortMapping{HostPort: ecs.Ptr(80), ContainerPortRange: ecs.Ptr("8000-8100")})
		}, "hostPort cannot be specified with containerPortRange."},
		{"range in host mode", hostInput, func(in *input) { ports(in, ecs.PortMapping{ContainerPortRange: ecs.Ptr("8000-8100")}) }, "containerPortRange is only supported when networkMode is bridge or awsvpc."},
		{"too many ranges", ec2Input, func(in *input) {
			var pms []ecs.PortMapping
			for i := 0; i < 101; i++ {
				pms = append(pms, ecs.PortMapping{ContainerPortRange: ecs.Ptr(itoa(10000+i*10) + "-" + itoa(10000+i*10+5))})
			}
			ports(in, pms...)
		}, "Too many containerPortRange entries (maximum 100)."},
	})
}

func TestPortMappingsAllowed(t *testing.T) {
	in := ec2Input()
	ports(in, port(53), ecs.PortMapping{ContainerPort: ecs.Ptr(53), Protocol: ecs.Ptr("udp")},
		ecs.PortMapping{ContainerPortRange: ecs.Ptr("8000-8100")}, ecs.PortMapping{ContainerPortRange: ecs.Ptr("8101-8200")})
	mustBuild(t, in)
}
