package taskdef

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

type input = ecs.RegisterTaskDefinitionInput

func TestTaskRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"family blank", ec2Input, func(in *input) { in.Family = "" }, msgFamilyBlank},
		{"family invalid", ec2Input, func(in *input) { in.Family = "web app" }, msgFamilyInvalid},
		{"family too long", ec2Input, func(in *input) { in.Family = strings.Repeat("a", 256) }, msgFamilyTooLong},
		{"no containers", ec2Input, func(in *input) { in.ContainerDefinitions = nil }, msgContainersEmpty},
		{"too many containers", ec2Input, func(in *input) {
			for i := 0; i < 10; i++ {
				sidecar(in).Name = ecs.Ptr("c" + string(rune('a'+i)))
			}
		}, msgTooManyContainers},
		{"bad compatibility", ec2Input, func(in *input) { in.RequiresCompatibilities = []string{"LAMBDA"} }, "Invalid compatibility 'LAMBDA'"},
		{"bad network mode", ec2Input, func(in *input) { in.NetworkMode = ecs.Ptr("nat") }, "Invalid networkMode 'nat'"},
		{"bad cpu architecture", ec2Input, func(in *input) {
			in.RuntimePlatform = &ecs.RuntimePlatform{CpuArchitecture: ecs.Ptr("RISCV")}
		}, "Invalid cpuArchitecture 'RISCV'"},
		{"bad os family", ec2Input, func(in *input) {
			in.RuntimePlatform = &ecs.RuntimePlatform{OperatingSystemFamily: ecs.Ptr("MACOS")}
		}, "Invalid operatingSystemFamily 'MACOS'"},
		{"unparseable cpu", ec2Input, func(in *input) { in.Cpu = ecs.Ptr("lots") }, msgInvalidTaskCPU},
		{"fractional cpu units", ec2Input, func(in *input) { in.Cpu = ecs.Ptr(".0001 vcpu") }, msgInvalidTaskCPU},
		{"zero cpu", ec2Input, func(in *input) { in.Cpu = ecs.Ptr("0") }, msgInvalidTaskCPU},
		{"unparseable memory", ec2Input, func(in *input) { in.Memory = ecs.Ptr("1 TB") }, msgInvalidTaskMemory},
		{"bad pidMode", ec2Input, func(in *input) { in.PidMode = ecs.Ptr("container") }, "Invalid pidMode 'container'"},
		{"bad ipcMode", ec2Input, func(in *input) { in.IpcMode = ecs.Ptr("shareable") }, "Invalid ipcMode 'shareable'"},
		{"ephemeral too small", fargateInput, func(in *input) { in.EphemeralStorage = &ecs.EphemeralStorage{SizeInGiB: 20} }, msgEphemeralMin},
		{"ephemeral too big", fargateInput, func(in *input) { in.EphemeralStorage = &ecs.EphemeralStorage{SizeInGiB: 201} }, msgEphemeralMax},
		{"ephemeral without fargate", ec2Input, func(in *input) { in.EphemeralStorage = &ecs.EphemeralStorage{SizeInGiB: 30} }, msgEphemeralEC2},
		{"volume name blank", ec2Input, func(in *input) { in.Volumes = []ecs.Volume{{}} }, msgVolumeNameBlank},
		{"volume name invalid", ec2Input, func(in *input) { in.Volumes = []ecs.Volume{{Name: ecs.Ptr("a/b")}} }, msgVolumeNameInvalid},
		{"volume names unique", ec2Input, func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("v")}, {Name: ecs.Ptr("v")}}
		}, msgVolumeNamesNotUnique},
		{"too many constraints", ec2Input, func(in *input) {
			for i := 0; i < 11; i++ {
				in.PlacementConstraints = append(in.PlacementConstraints,
					ecs.TaskDefinitionPlacementConstraint{Type: "memberOf", Expression: ecs.Ptr("attribute:x == y")})
			}
		}, msgTooManyConstraints},
		{"bad constraint type", ec2Input, func(in *input) {
			in.PlacementConstraints = []ecs.TaskDefinitionPlacementConstraint{{Type: "distinctInstance"}}
		}, "Invalid placement constraint type 'distinctInstance'"},
		{"external awsvpc", ec2Input, func(in *input) {
			in.RequiresCompatibilities = []string{ecs.LaunchExternal}
			in.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
		}, msgExternalAwsvpc},
		{"too large", ec2Input, func(in *input) { app(in).Command = []string{strings.Repeat("x", 70000)} }, "Max allowed length is '65536' bytes."},
		{"duplicate names", ec2Input, func(in *input) { sidecar(in).Name = ecs.Ptr("app") }, msgNamesNotUnique},
		{"no essential", ec2Input, func(in *input) { app(in).Essential = ecs.Ptr(false) }, msgNoEssential},
		{"container memory over task", ec2Input, func(in *input) { in.Memory = ecs.Ptr("128") }, "The 'memory' setting for container 'app' is greater than for the task"},
		{"memory sum over task", ec2Input, func(in *input) { in.Memory = ecs.Ptr("300"); sidecar(in) }, msgSumMemory},
		{"reservation sum over task", ec2Input, func(in *input) {
			in.Memory = ecs.Ptr("300")
			app(in).Memory = nil
			app(in).MemoryReservation = ecs.Ptr(200)
			sidecar(in).MemoryReservation = ecs.Ptr(200)
		}, msgSumReservation},
		{"cpu sum over task", ec2Input, func(in *input) { in.Cpu = ecs.Ptr("256"); app(in).Cpu = 200; sidecar(in).Cpu = 100 }, msgSumCPU},
		{"duplicate port names", ec2Input, func(in *input) {
			app(in).PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(80), Name: ecs.Ptr("web")}}
			sidecar(in).PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(81), Name: ecs.Ptr("web")}}
		}, msgPortNameUsed},
	})
}

func TestFargateRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"network mode", fargateInput, func(in *input) { in.NetworkMode = ecs.Ptr(ecs.NetworkBridge) }, msgFargateNetwork},
		{"network mode absent", fargateInput, func(in *input) { in.NetworkMode = nil }, msgFargateNetwork},
		{"cpu required", fargateInput, func(in *input) { in.Cpu = nil }, msgFargateNeedsCPU},
		{"memory required", fargateInput, func(in *input) { in.Memory = nil }, msgFargateNeedsMemory},
		{"cpu not in table", fargateInput, func(in *input) { in.Cpu = ecs.Ptr("384") }, msgInvalidTaskCPU},
		{"memory not in table", fargateInput, func(in *input) { in.Memory = ecs.Ptr("100") }, msgInvalidTaskMemory},
		{"combo", fargateInput, func(in *input) { in.Memory = ecs.Ptr("4GB") }, "No Fargate configuration exists for given values: 256 CPU, 4096 memory."},
		{"windows below 1 vCPU", fargateInput, func(in *input) {
			in.RuntimePlatform = &ecs.RuntimePlatform{OperatingSystemFamily: ecs.Ptr("WINDOWS_SERVER_2019_CORE")}
			in.Memory = ecs.Ptr("2048")
		}, msgInvalidTaskCPU},
		{"os family", fargateInput, func(in *input) {
			in.Cpu = ecs.Ptr("1 vCPU")
			in.Memory = ecs.Ptr("2 GB")
			in.RuntimePlatform = &ecs.RuntimePlatform{OperatingSystemFamily: ecs.Ptr("WINDOWS_SERVER_2016_FULL")}
		}, "do not support operatingSystemFamily WINDOWS_SERVER_2016_FULL"},
		{"ipcMode", fargateInput, func(in *input) { in.IpcMode = ecs.Ptr("task") }, msgFargateIpcMode},
		{"pidMode host", fargateInput, func(in *input) { in.PidMode = ecs.Ptr("host") }, "do not support pidMode 'host'"},
		{"placement constraints", fargateInput, func(in *input) {
			in.PlacementConstraints = []ecs.TaskDefinitionPlacementConstraint{{Type: "memberOf", Expression: ecs.Ptr("x")}}
		}, fargateUnsupported("constraints")},
		{"inference accelerators", fargateInput, func(in *input) {
			in.InferenceAccelerators = []ecs.InferenceAccelerator{{DeviceName: "d", DeviceType: "eia2.medium"}}
		}, fargateUnsupported("inferenceAccelerators")},
		{"docker volume", fargateInput, func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("v"), DockerVolumeConfiguration: &ecs.DockerVolumeConfiguration{}}}
		}, fargateUnsupported("dockerVolumeConfiguration")},
		{"host source path", fargateInput, func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("v"), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr("/data")}}}
		}, fargateUnsupported("sourcePath")},
		{"fsx volume", fargateInput, func(in *input) {
			in.Volumes = []ecs.Volume{{Name: ecs.Ptr("v"), FsxWindowsFileServerVolumeConfiguration: &ecs.FSxWindowsFileServerVolumeConfiguration{}}}
		}, fargateUnsupported("fsxWindowsFileServerVolumeConfiguration")},
		{"awslogs needs execution role", fargateInput, func(in *input) {
			app(in).LogConfiguration = &ecs.LogConfiguration{LogDriver: "awslogs"}
		}, msgFargateExecLogs},
		{"ECR needs execution role", fargateInput, func(in *input) {
			app(in).Image = ecs.Ptr("123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:1")
		}, msgFargateExecECR},
		{"log driver", fargateInput, func(in *input) {
			app(in).LogConfiguration = &ecs.LogConfiguration{LogDriver: "json-file"}
		}, fargateUnsupported("log driver json-file")},
		{"privileged", fargateInput, func(in *input) { app(in).Privileged = ecs.Ptr(true) }, fargateUnsupported("privileged")},
		{"docker security options", fargateInput, func(in *input) {
			app(in).DockerSecurityOptions = []string{"no-new-privileges"}
		}, fargateUnsupported("dockerSecurityOptions")},
		{"gpu", fargateInput, func(in *input) {
			app(in).ResourceRequirements = []ecs.ResourceRequirement{{Type: "GPU", Value: "1"}}
		}, fargateUnsupported("gpu")},
		{"capability add", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{Capabilities: &ecs.KernelCapabilities{Add: []string{"NET_ADMIN"}}}
		}, fargateUnsupported("capabilities other than SYS_PTRACE")},
		{"devices", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{Devices: []ecs.Device{{HostPath: "/dev/fuse"}}}
		}, fargateUnsupported("devices")},
		{"shared memory", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{SharedMemorySize: ecs.Ptr(64)}
		}, fargateUnsupported("sharedMemorySize")},
		{"tmpfs", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{Tmpfs: []ecs.Tmpfs{{ContainerPath: "/tmp", Size: 64}}}
		}, fargateUnsupported("tmpfs")},
		{"maxSwap", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{MaxSwap: ecs.Ptr(0)}
		}, fargateUnsupported("maxSwap")},
		{"swappiness", fargateInput, func(in *input) {
			app(in).LinuxParameters = &ecs.LinuxParameters{Swappiness: ecs.Ptr(10)}
		}, fargateUnsupported("swappiness")},
		{"stopTimeout over 120", fargateInput, func(in *input) { app(in).StopTimeout = ecs.Ptr(121) }, "'stopTimeout' greater than 120"},
		{"startTimeout over 120", fargateInput, func(in *input) { app(in).StartTimeout = ecs.Ptr(300) }, "'startTimeout' greater than 120"},
	})
}

// TestFargateRulesOnlyWhenRequired shows that Fargate-only restrictions do not reject an
// EC2 definition; they only remove FARGATE from its compatibilities.
func TestFargateRulesOnlyWhenRequired(t *testing.T) {
	in := ec2Input()
	app(in).Privileged = ecs.Ptr(true)
	app(in).StopTimeout = ecs.Ptr(600)
	in.IpcMode = ecs.Ptr("host")
	td := mustBuild(t, in)
	if got := strings.Join(td.Compatibilities, ","); got != "EXTERNAL,EC2" {
		t.Errorf("compatibilities = %s, want EXTERNAL,EC2", got)
	}
}
