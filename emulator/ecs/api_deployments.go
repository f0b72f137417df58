package ecs

import "encoding/json"

// ServiceDeployment is one service deployment as DescribeServiceDeployments returns it:
// the move of a service from its source revisions to a target revision.
type ServiceDeployment struct {
	ServiceDeploymentArn     string                           `json:"serviceDeploymentArn"`
	ServiceArn               string                           `json:"serviceArn"`
	ClusterArn               string                           `json:"clusterArn"`
	CreatedAt                *Timestamp                       `json:"createdAt,omitempty"`
	StartedAt                *Timestamp                       `json:"startedAt,omitempty"`
	FinishedAt               *Timestamp                       `json:"finishedAt,omitempty"`
	StoppedAt                *Timestamp                       `json:"stoppedAt,omitempty"`
	UpdatedAt                *Timestamp                       `json:"updatedAt,omitempty"`
	SourceServiceRevisions   []ServiceRevisionSummary         `json:"sourceServiceRevisions,omitempty"`
	TargetServiceRevision    *ServiceRevisionSummary          `json:"targetServiceRevision,omitempty"`
	Status                   string                           `json:"status"`
	StatusReason             string                           `json:"statusReason,omitempty"`
	LifecycleStage           string                           `json:"lifecycleStage,omitempty"`
	LifecycleHookDetails     []DeploymentLifecycleHookDetail  `json:"lifecycleHookDetails,omitempty"`
	DeploymentConfiguration  *DeploymentConfiguration         `json:"deploymentConfiguration,omitempty"`
	Rollback                 *ServiceDeploymentRollback       `json:"rollback,omitempty"`
	DeploymentCircuitBreaker *ServiceDeploymentCircuitBreaker `json:"deploymentCircuitBreaker,omitempty"`
	Alarms                   *ServiceDeploymentAlarms         `json:"alarms,omitempty"`
}

// DeploymentLifecycleHookDetail is a lifecycle hook of the stage a deployment is in.
type DeploymentLifecycleHookDetail struct {
	HookID        string     `json:"hookId,omitempty"`
	TargetArn     string     `json:"targetArn,omitempty"`
	TargetType    string     `json:"targetType,omitempty"`
	Status        string     `json:"status,omitempty"`
	TimeoutAction string     `json:"timeoutAction,omitempty"`
	ExpiresAt     *Timestamp `json:"expiresAt,omitempty"`
}

// ServiceDeploymentBrief is a service deployment as ListServiceDeployments lists it.
type ServiceDeploymentBrief struct {
	ServiceDeploymentArn     string     `json:"serviceDeploymentArn"`
	ServiceArn               string     `json:"serviceArn"`
	ClusterArn               string     `json:"clusterArn"`
	StartedAt                *Timestamp `json:"startedAt,omitempty"`
	CreatedAt                *Timestamp `json:"createdAt,omitempty"`
	FinishedAt               *Timestamp `json:"finishedAt,omitempty"`
	TargetServiceRevisionArn string     `json:"targetServiceRevisionArn,omitempty"`
	Status                   string     `json:"status"`
	StatusReason             string     `json:"statusReason,omitempty"`
}

// ServiceRevisionSummary counts a revision's tasks within a service deployment.
type ServiceRevisionSummary struct {
	Arn                string `json:"arn"`
	RequestedTaskCount int    `json:"requestedTaskCount"`
	RunningTaskCount   int    `json:"runningTaskCount"`
	PendingTaskCount   int    `json:"pendingTaskCount"`
}

// ServiceDeploymentRollback says why and to which revision a deployment rolled back.
type ServiceDeploymentRollback struct {
	Reason             string     `json:"reason,omitempty"`
	StartedAt          *Timestamp `json:"startedAt,omitempty"`
	ServiceRevisionArn string     `json:"serviceRevisionArn,omitempty"`
}

// ServiceDeploymentCircuitBreaker is the circuit breaker's view of one deployment.
type ServiceDeploymentCircuitBreaker struct {
	Status       string `json:"status"`
	FailureCount int    `json:"failureCount"`
	Threshold    int    `json:"threshold"`
}

// ServiceDeploymentAlarms is the alarm check's view of one deployment.
type ServiceDeploymentAlarms struct {
	Status              string   `json:"status"`
	AlarmNames          []string `json:"alarmNames,omitempty"`
	TriggeredAlarmNames []string `json:"triggeredAlarmNames,omitempty"`
}

// ServiceRevision is the configuration a service deployment deploys, as deployed.
type ServiceRevision struct {
	ServiceRevisionArn          string                         `json:"serviceRevisionArn"`
	ServiceArn                  string                         `json:"serviceArn"`
	ClusterArn                  string                         `json:"clusterArn"`
	TaskDefinition              string                         `json:"taskDefinition"`
	CapacityProviderStrategy    []CapacityProviderStrategyItem `json:"capacityProviderStrategy,omitempty"`
	LaunchType                  string                         `json:"launchType,omitempty"`
	PlatformVersion             string                         `json:"platformVersion,omitempty"`
	PlatformFamily              string                         `json:"platformFamily,omitempty"`
	LoadBalancers               []LoadBalancer                 `json:"loadBalancers,omitempty"`
	ServiceRegistries           []ServiceRegistry              `json:"serviceRegistries,omitempty"`
	NetworkConfiguration        *NetworkConfiguration          `json:"networkConfiguration,omitempty"`
	ContainerImages             []ContainerImage               `json:"containerImages,omitempty"`
	GuardDutyEnabled            bool                           `json:"guardDutyEnabled"`
	ServiceConnectConfiguration json.RawMessage                `json:"serviceConnectConfiguration,omitempty"`
	VolumeConfigurations        json.RawMessage                `json:"volumeConfigurations,omitempty"`
	CreatedAt                   *Timestamp                     `json:"createdAt,omitempty"`
}

// ContainerImage is one container's image in a service revision.
type ContainerImage struct {
	ContainerName string `json:"containerName,omitempty"`
	ImageDigest   string `json:"imageDigest,omitempty"`
	Image         string `json:"image,omitempty"`
}

// Service deployment statuses (the model's ServiceDeploymentStatus).
const (
	SDPending            = "PENDING"
	SDInProgress         = "IN_PROGRESS"
	SDSuccessful         = "SUCCESSFUL"
	SDStopped            = "STOPPED"
	SDStopRequested      = "STOP_REQUESTED"
	SDRollbackRequested  = "ROLLBACK_REQUESTED"
	SDRollbackInProgress = "ROLLBACK_IN_PROGRESS"
	SDRollbackSuccessful = "ROLLBACK_SUCCESSFUL"
	SDRollbackFailed     = "ROLLBACK_FAILED"
)

// Rollback monitor statuses (the model's ServiceDeploymentRollbackMonitorsStatus).
const (
	MonitorTriggered = "TRIGGERED"
	MonitorActive    = "MONITORING"
	MonitorComplete  = "MONITORING_COMPLETE"
	MonitorDisabled  = "DISABLED"
)

// CodeConflict and CodeServiceDeploymentNotFound are the service deployment
// operations' own exceptions.
const (
	CodeConflict                  = "ConflictException"
	CodeServiceDeploymentNotFound = "ServiceDeploymentNotFoundException"
)

// CreatedAtFilter narrows ListServiceDeployments by creation time.
type CreatedAtFilter struct {
	Before *Timestamp `json:"before,omitempty"`
	After  *Timestamp `json:"after,omitempty"`
}

// ListServiceDeploymentsInput is the ListServiceDeployments request.
type ListServiceDeploymentsInput struct {
	Service   string           `json:"service"`
	Cluster   string           `json:"cluster,omitempty"`
	Status    []string         `json:"status,omitempty"`
	CreatedAt *CreatedAtFilter `json:"createdAt,omitempty"`
	ListInput
}

// ListServiceDeploymentsOutput is the ListServiceDeployments response.
type ListServiceDeploymentsOutput struct {
	ServiceDeployments []ServiceDeploymentBrief `json:"serviceDeployments"`
	NextToken          *string                  `json:"nextToken,omitempty"`
}

// DescribeServiceDeploymentsInput is the DescribeServiceDeployments request.
type DescribeServiceDeploymentsInput struct {
	ServiceDeploymentArns []string `json:"serviceDeploymentArns"`
}

// DescribeServiceDeploymentsOutput is the DescribeServiceDeployments response.
type DescribeServiceDeploymentsOutput struct {
	ServiceDeployments []ServiceDeployment `json:"serviceDeployments"`
	Failures           []Failure           `json:"failures"`
}

// DescribeServiceRevisionsInput is the DescribeServiceRevisions request.
type DescribeServiceRevisionsInput struct {
	ServiceRevisionArns []string `json:"serviceRevisionArns"`
}

// DescribeServiceRevisionsOutput is the DescribeServiceRevisions response.
type DescribeServiceRevisionsOutput struct {
	ServiceRevisions []ServiceRevision `json:"serviceRevisions"`
	Failures         []Failure         `json:"failures"`
}

// StopServiceDeploymentInput is the StopServiceDeployment request.
type StopServiceDeploymentInput struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	StopType             string `json:"stopType,omitempty"`
}

// ContinueServiceDeploymentInput is the ContinueServiceDeployment request.
type ContinueServiceDeploymentInput struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
	HookID               string `json:"hookId,omitempty"`
	Action               string `json:"action,omitempty"`
}

// ServiceDeploymentArnOutput is the Stop/ContinueServiceDeployment response.
type ServiceDeploymentArnOutput struct {
	ServiceDeploymentArn string `json:"serviceDeploymentArn"`
}

// ServiceDeploymentARN is the ARN of a service deployment of a service in a cluster.
func (s Scope) ServiceDeploymentARN(cluster, service, id string) string {
	return s.arn("service-deployment/" + cluster + "/" + service + "/" + id)
}

// ServiceRevisionARN is the ARN of a service revision; ECS names a revision by the
// number of the deployment (ecs-svc/NUMBER) that deploys it.
func (s Scope) ServiceRevisionARN(cluster, service, number string) string {
	return s.arn("service-revision/" + cluster + "/" + service + "/" + number)
}
