package ecs

import (
	"slices"
	"strings"
)

// Enum is one API-model enumeration as ecsmini validates it. Shape is the model's shape
// name (the Go SDK's types.<Shape>), so a test can hold Values against the model: the
// wire spelling is the model's, never a guess (appProtocol is "http", not "HTTP").
// Values may be a subset of the model's where ecsmini does not run the rest (the launch
// type MANAGED_INSTANCES), in the order error messages list them.
type Enum struct {
	Shape  string
	Values []string
}

// Has reports whether v is one of the values, compared exactly as ECS compares them.
func (e Enum) Has(v string) bool { return slices.Contains(e.Values, v) }

// List joins the values for an error message: "A, B, C".
func (e Enum) List() string { return strings.Join(e.Values, ", ") }

// The enumerations ecsmini validates. Every one belongs in Enums below.
var (
	EnumApplicationProtocol     = Enum{"ApplicationProtocol", []string{"http", "http2", "grpc"}}
	EnumTransportProtocol       = Enum{"TransportProtocol", []string{"tcp", "udp"}}
	EnumCompatibility           = Enum{"Compatibility", []string{LaunchEC2, LaunchFargate, LaunchExternal, "MANAGED_INSTANCES"}}
	EnumNetworkMode             = Enum{"NetworkMode", []string{NetworkBridge, NetworkHost, NetworkAwsvpc, NetworkNone}}
	EnumCPUArchitecture         = Enum{"CPUArchitecture", []string{"X86_64", "ARM64"}}
	EnumPidMode                 = Enum{"PidMode", []string{"host", "task"}}
	EnumIpcMode                 = Enum{"IpcMode", []string{"host", "task", "none"}}
	EnumContainerCondition      = Enum{"ContainerCondition", []string{ConditionStart, ConditionComplete, ConditionSuccess, ConditionHealthy}}
	EnumTaskDefPlacementType    = Enum{"TaskDefinitionPlacementConstraintType", []string{"memberOf"}}
	EnumLaunchType              = Enum{"LaunchType", []string{LaunchEC2, LaunchFargate, LaunchExternal}}
	EnumSchedulingStrategy      = Enum{"SchedulingStrategy", []string{"REPLICA", "DAEMON"}}
	EnumDeploymentController    = Enum{"DeploymentControllerType", []string{"ECS", "CODE_DEPLOY", "EXTERNAL"}}
	EnumPropagateTags           = Enum{"PropagateTags", []string{"TASK_DEFINITION", "SERVICE", "NONE"}}
	EnumTaskDefinitionStatus    = Enum{"TaskDefinitionStatus", []string{"ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"}}
	EnumTaskDefFamilyStatus     = Enum{"TaskDefinitionFamilyStatus", []string{"ACTIVE", "INACTIVE", "ALL"}}
	EnumSortOrder               = Enum{"SortOrder", []string{"ASC", "DESC"}}
	EnumDesiredStatus           = Enum{"DesiredStatus", []string{"RUNNING", "PENDING", "STOPPED"}}
	EnumContainerInstanceField  = Enum{"ContainerInstanceField", []string{"TAGS", "CONTAINER_INSTANCE_HEALTH"}}
	EnumContainerInstanceStatus = Enum{"ContainerInstanceStatus", []string{"ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"}}
	EnumServiceField            = Enum{"ServiceField", []string{"TAGS"}}
	EnumTaskField               = Enum{"TaskField", []string{"TAGS"}}
	EnumTaskDefinitionField     = Enum{"TaskDefinitionField", []string{"TAGS"}}
	EnumCapacityProviderField   = Enum{"CapacityProviderField", []string{"TAGS"}}
	EnumClusterField            = Enum{"ClusterField", []string{"ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"}}
	EnumClusterSettingName      = Enum{"ClusterSettingName", []string{"containerInsights"}}
	EnumTargetType              = Enum{"TargetType", []string{"container-instance"}}
	EnumManagedScalingStatus    = Enum{"ManagedScalingStatus", []string{"ENABLED", "DISABLED"}}
	EnumManagedTermination      = Enum{"ManagedTerminationProtection", []string{"ENABLED", "DISABLED"}}
	EnumManagedDraining         = Enum{"ManagedDraining", []string{"ENABLED", "DISABLED"}}
	EnumPlacementStrategyType   = Enum{"PlacementStrategyType", []string{"random", "spread", "binpack"}}
	EnumPlacementConstraintType = Enum{"PlacementConstraintType", []string{"distinctInstance", "memberOf"}}
	EnumAZRebalancing           = Enum{"AvailabilityZoneRebalancing", []string{"ENABLED", "DISABLED"}}
	EnumAssignPublicIP          = Enum{"AssignPublicIp", []string{"ENABLED", "DISABLED"}}
	EnumOSFamily                = Enum{"OSFamily", []string{"LINUX", "WINDOWS_SERVER_2019_FULL", "WINDOWS_SERVER_2019_CORE",
		"WINDOWS_SERVER_2016_FULL", "WINDOWS_SERVER_2004_CORE", "WINDOWS_SERVER_2022_CORE",
		"WINDOWS_SERVER_2022_FULL", "WINDOWS_SERVER_2025_CORE", "WINDOWS_SERVER_2025_FULL",
		"WINDOWS_SERVER_20H2_CORE"}}
	EnumUlimitName = Enum{"UlimitName", []string{"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
		"nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"}}
	EnumLogDriver = Enum{"LogDriver", []string{"json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"}}
	// EnumSettingName holds the account setting names; emulator's settings table must
	// carry exactly these.
	EnumSettingName = Enum{"SettingName", []string{"serviceLongArnFormat", "taskLongArnFormat",
		"containerInstanceLongArnFormat", "awsvpcTrunking", "containerInsights", "dualStackIPv6",
		"fargateFIPSMode", "tagResourceAuthorization", "fargateTaskRetirementWaitPeriod",
		"guardDutyActivate", "defaultLogDriverMode", "fargateEventWindows"}}
)

// Enums lists every enumeration ecsmini validates, for the test that holds each against
// the API model (emulator/ecs/enums_test.go).
var Enums = []Enum{
	EnumApplicationProtocol, EnumTransportProtocol, EnumCompatibility, EnumNetworkMode,
	EnumCPUArchitecture, EnumPidMode, EnumIpcMode, EnumContainerCondition, EnumTaskDefPlacementType,
	EnumLaunchType, EnumSchedulingStrategy, EnumDeploymentController, EnumPropagateTags,
	EnumTaskDefinitionStatus, EnumTaskDefFamilyStatus, EnumSortOrder, EnumDesiredStatus,
	EnumContainerInstanceField, EnumContainerInstanceStatus, EnumServiceField, EnumTaskField,
	EnumTaskDefinitionField, EnumCapacityProviderField, EnumClusterField, EnumClusterSettingName,
	EnumTargetType, EnumManagedScalingStatus, EnumManagedTermination, EnumManagedDraining,
	EnumPlacementStrategyType, EnumPlacementConstraintType, EnumAZRebalancing, EnumAssignPublicIP,
	EnumOSFamily, EnumUlimitName, EnumLogDriver, EnumSettingName,
}
