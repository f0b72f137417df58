package ecs

import "encoding/json"

// Service is an ECS service as CreateService, UpdateService and DescribeServices return
// it (spec §5.2). The arrays ECS always emits (loadBalancers, serviceRegistries,
// deployments, events, placementConstraints, placementStrategy) carry no omitempty, so
// callers set them to empty slices rather than nil.
type Service struct {
	ServiceArn                    string                         `json:"serviceArn"`
	ServiceName                   string                         `json:"serviceName"`
	ClusterArn                    string                         `json:"clusterArn"`
	LoadBalancers                 []LoadBalancer                 `json:"loadBalancers"`
	ServiceRegistries             []ServiceRegistry              `json:"serviceRegistries"`
	Status                        string                         `json:"status"`
	DesiredCount                  int                            `json:"desiredCount"`
	RunningCount                  int                            `json:"runningCount"`
	PendingCount                  int                            `json:"pendingCount"`
	LaunchType                    string                         `json:"launchType,omitempty"`
	CapacityProviderStrategy      []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	PlatformVersion               string                         `json:"platformVersion,omitempty"`
	PlatformFamily                string                         `json:"platformFamily,omitempty"`
	TaskDefinition                string                         `json:"taskDefinition,omitempty"`
	DeploymentConfiguration       *DeploymentConfiguration       `json:"deploymentConfiguration,omitempty"`
	Deployments                   []Deployment                   `json:"deployments"`
	TaskSets                      []TaskSet                      `json:"taskSets,omitempty"`
	RoleArn                       string                         `json:"roleArn,omitempty"`
	Events                        []ServiceEvent                 `json:"events"`
	CreatedAt                     *Timestamp                     `json:"createdAt,omitempty"`
	PlacementConstraints          []PlacementConstraint          `json:"placementConstraints"`
	PlacementStrategy             []PlacementStrategy            `json:"placementStrategy"`
	NetworkConfiguration          *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	HealthCheckGracePeriodSeconds *int                           `json:"healthCheckGracePeriodSeconds,omitempty"`
	SchedulingStrategy            string                         `json:"schedulingStrategy"`
	DeploymentController          *DeploymentController          `json:"deploymentController,omitempty"`
	Tags                          []Tag                          `json:"tags,omitzero"`
	CreatedBy                     string                         `json:"createdBy,omitempty"`
	EnableECSManagedTags          bool                           `json:"enableECSManagedTags"`
	PropagateTags                 string                         `json:"propagateTags,omitempty"`
	EnableExecuteCommand          bool                           `json:"enableExecuteCommand"`
	AvailabilityZoneRebalancing   string                         `json:"availabilityZoneRebalancing,omitempty"`
}

// Deployment is one entry of a service's deployments array (spec §5.2, §5.7).
type Deployment struct {
	ID                          string                         `json:"id"`
	Status                      string                         `json:"status"`
	TaskDefinition              string                         `json:"taskDefinition"`
	DesiredCount                int                            `json:"desiredCount"`
	PendingCount                int                            `json:"pendingCount"`
	RunningCount                int                            `json:"runningCount"`
	FailedTasks                 int                            `json:"failedTasks"`
	CreatedAt                   *Timestamp                     `json:"createdAt,omitempty"`
	UpdatedAt                   *Timestamp                     `json:"updatedAt,omitempty"`
	CapacityProviderStrategy    []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	LaunchType                  string                         `json:"launchType,omitempty"`
	PlatformVersion             string                         `json:"platformVersion,omitempty"`
	PlatformFamily              string                         `json:"platformFamily,omitempty"`
	NetworkConfiguration        *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	RolloutState                string                         `json:"rolloutState,omitempty"`
	RolloutStateReason          string                         `json:"rolloutStateReason,omitempty"`
	ServiceConnectConfiguration json.RawMessage                `json:"serviceConnectConfiguration,omitempty"`
	ServiceConnectResources     json.RawMessage                `json:"serviceConnectResources,omitempty"`
	VolumeConfigurations        json.RawMessage                `json:"volumeConfigurations,omitempty"`
}

// DeploymentConfiguration bounds a rolling deployment (spec §5.4) and configures its
// failure detection (§5.7). The percentages are pointers because "not given" means
// ECS's default (100/200 for REPLICA), which differs by scheduling strategy.
type DeploymentConfiguration struct {
	DeploymentCircuitBreaker *DeploymentCircuitBreaker `json:"deploymentCircuitBreaker,omitempty"`
	MaximumPercent           *int                      `json:"maximumPercent,omitempty"`
	MinimumHealthyPercent    *int                      `json:"minimumHealthyPercent,omitempty"`
	Alarms                   *DeploymentAlarms         `json:"alarms,omitempty"`
	Strategy                 string                    `json:"strategy,omitempty"`
	BakeTimeInMinutes        *int                      `json:"bakeTimeInMinutes,omitempty"`
	LifecycleHooks           []DeploymentLifecycleHook `json:"lifecycleHooks,omitempty"`
	LinearConfiguration      *LinearConfiguration      `json:"linearConfiguration,omitempty"`
	CanaryConfiguration      *CanaryConfiguration      `json:"canaryConfiguration,omitempty"`
}

// DeploymentLifecycleHook runs custom logic (a Lambda function on AWS) at the named
// lifecycle stages of a BLUE_GREEN, LINEAR or CANARY deployment.
type DeploymentLifecycleHook struct {
	HookTargetArn        string                    `json:"hookTargetArn,omitempty"`
	RoleArn              string                    `json:"roleArn,omitempty"`
	LifecycleStages      []string                  `json:"lifecycleStages,omitempty"`
	TargetType           string                    `json:"targetType,omitempty"`
	HookDetails          json.RawMessage           `json:"hookDetails,omitempty"`
	TimeoutConfiguration *HookTimeoutConfiguration `json:"timeoutConfiguration,omitempty"`
}

// HookTimeoutConfiguration is how long ECS waits for a hook and what it does then.
type HookTimeoutConfiguration struct {
	TimeoutInMinutes *int   `json:"timeoutInMinutes,omitempty"`
	Action           string `json:"action,omitempty"`
}

// LinearConfiguration shifts production traffic in equal steps.
type LinearConfiguration struct {
	StepPercent           *float64 `json:"stepPercent,omitempty"`
	StepBakeTimeInMinutes *int     `json:"stepBakeTimeInMinutes,omitempty"`
}

// CanaryConfiguration shifts a canary share, waits, then shifts the rest.
type CanaryConfiguration struct {
	CanaryPercent           *float64 `json:"canaryPercent,omitempty"`
	CanaryBakeTimeInMinutes *int     `json:"canaryBakeTimeInMinutes,omitempty"`
}

// AdvancedConfiguration names the alternate target group and the listener rules of a
// load balancer that blue/green-style deployments shift traffic through.
type AdvancedConfiguration struct {
	AlternateTargetGroupArn string `json:"alternateTargetGroupArn,omitempty"`
	ProductionListenerRule  string `json:"productionListenerRule,omitempty"`
	TestListenerRule        string `json:"testListenerRule,omitempty"`
	RoleArn                 string `json:"roleArn,omitempty"`
}

// DeploymentCircuitBreaker turns on failure detection and, with Rollback, rollback to
// the last COMPLETED deployment (spec §5.7).
type DeploymentCircuitBreaker struct {
	Enable   bool `json:"enable"`
	Rollback bool `json:"rollback"`
}

// DeploymentAlarms lists CloudWatch alarms that fail a deployment; ecsmini stores them
// (there is no CloudWatch on the laptop).
type DeploymentAlarms struct {
	AlarmNames []string `json:"alarmNames"`
	Enable     bool     `json:"enable"`
	Rollback   bool     `json:"rollback"`
}

// DeploymentController picks ECS (rolling), CODE_DEPLOY or EXTERNAL (spec §5.10).
type DeploymentController struct {
	Type string `json:"type"`
}

// ServiceEvent is one message of a service's events array (spec §5.9).
type ServiceEvent struct {
	ID        string     `json:"id"`
	CreatedAt *Timestamp `json:"createdAt,omitempty"`
	Message   string     `json:"message"`
}

// LoadBalancer attaches a container port of the service's tasks to a target group.
type LoadBalancer struct {
	TargetGroupArn        string                 `json:"targetGroupArn,omitempty"`
	LoadBalancerName      string                 `json:"loadBalancerName,omitempty"`
	ContainerName         string                 `json:"containerName,omitempty"`
	ContainerPort         *int                   `json:"containerPort,omitempty"`
	AdvancedConfiguration *AdvancedConfiguration `json:"advancedConfiguration,omitempty"`
}

// ServiceRegistry registers the service's tasks in a Cloud Map service (spec §5.13).
type ServiceRegistry struct {
	RegistryArn   string `json:"registryArn,omitempty"`
	Port          *int   `json:"port,omitempty"`
	ContainerName string `json:"containerName,omitempty"`
	ContainerPort *int   `json:"containerPort,omitempty"`
}

// ProtectedTask is a task's scale-in protection (spec §5.11).
type ProtectedTask struct {
	TaskArn           string     `json:"taskArn"`
	ProtectionEnabled bool       `json:"protectionEnabled"`
	ExpirationDate    *Timestamp `json:"expirationDate,omitempty"`
}

// Service statuses (spec §0, §5.14).
const (
	ServiceActive   = "ACTIVE"
	ServiceDraining = "DRAINING"
	ServiceInactive = "INACTIVE"
)

// Deployment statuses: the newest is PRIMARY, older ones with tasks are ACTIVE,
// finished ones INACTIVE (spec §0).
const (
	DeploymentPrimary  = "PRIMARY"
	DeploymentActive   = "ACTIVE"
	DeploymentInactive = "INACTIVE"
)

// Deployment rolloutState values (spec §5.7).
const (
	RolloutInProgress = "IN_PROGRESS"
	RolloutCompleted  = "COMPLETED"
	RolloutFailed     = "FAILED"
)

// Scheduling strategies and deployment controllers (spec §0).
const (
	SchedulingReplica        = "REPLICA"
	SchedulingDaemon         = "DAEMON"
	ControllerECS            = "ECS"
	ControllerCodeDeploy     = "CODE_DEPLOY"
	ControllerExternal       = "EXTERNAL"
	DefaultProtectionMinutes = 120  // UpdateTaskProtection's expiresInMinutes default (§5.11)
	MaxProtectionMinutes     = 2880 // and its upper bound (48 h)
)
