package ecs

import "encoding/json"

// DaemonTaskDefinition is a daemon task definition as DescribeDaemonTaskDefinition
// returns it. Container definitions and volumes are kept as the client sent them.
type DaemonTaskDefinition struct {
	DaemonTaskDefinitionArn string          `json:"daemonTaskDefinitionArn"`
	Family                  string          `json:"family"`
	Revision                int             `json:"revision"`
	TaskRoleArn             string          `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn        string          `json:"executionRoleArn,omitempty"`
	ContainerDefinitions    json.RawMessage `json:"containerDefinitions"`
	Volumes                 json.RawMessage `json:"volumes,omitempty"`
	Cpu                     string          `json:"cpu,omitempty"`
	Memory                  string          `json:"memory,omitempty"`
	Status                  string          `json:"status"`
	RegisteredAt            *Timestamp      `json:"registeredAt,omitempty"`
	DeleteRequestedAt       *Timestamp      `json:"deleteRequestedAt,omitempty"`
	RegisteredBy            string          `json:"registeredBy,omitempty"`
	Tags                    []Tag           `json:"tags,omitempty"`
}

// RegisterDaemonTaskDefinitionInput is the RegisterDaemonTaskDefinition request.
type RegisterDaemonTaskDefinitionInput struct {
	Family               string          `json:"family"`
	TaskRoleArn          string          `json:"taskRoleArn,omitempty"`
	ExecutionRoleArn     string          `json:"executionRoleArn,omitempty"`
	ContainerDefinitions json.RawMessage `json:"containerDefinitions"`
	Cpu                  string          `json:"cpu,omitempty"`
	Memory               string          `json:"memory,omitempty"`
	Volumes              json.RawMessage `json:"volumes,omitempty"`
	Tags                 []Tag           `json:"tags,omitempty"`
}

// DaemonTaskDefinitionRef names a daemon task definition.
type DaemonTaskDefinitionRef struct {
	DaemonTaskDefinition string `json:"daemonTaskDefinition"`
}

// DaemonTaskDefinitionArnOutput answers Register/DeleteDaemonTaskDefinition.
type DaemonTaskDefinitionArnOutput struct {
	DaemonTaskDefinitionArn string `json:"daemonTaskDefinitionArn"`
}

// DescribeDaemonTaskDefinitionOutput is the DescribeDaemonTaskDefinition response.
type DescribeDaemonTaskDefinitionOutput struct {
	DaemonTaskDefinition *DaemonTaskDefinition `json:"daemonTaskDefinition"`
}

// ListDaemonTaskDefinitionsInput is the ListDaemonTaskDefinitions request.
type ListDaemonTaskDefinitionsInput struct {
	FamilyPrefix string `json:"familyPrefix,omitempty"`
	Family       string `json:"family,omitempty"`
	Revision     string `json:"revision,omitempty"`
	Status       string `json:"status,omitempty"`
	Sort         string `json:"sort,omitempty"`
	ListInput
}

// DaemonTaskDefinitionSummary is a daemon task definition as listed.
type DaemonTaskDefinitionSummary struct {
	Arn               string     `json:"arn"`
	RegisteredAt      *Timestamp `json:"registeredAt,omitempty"`
	RegisteredBy      string     `json:"registeredBy,omitempty"`
	DeleteRequestedAt *Timestamp `json:"deleteRequestedAt,omitempty"`
	Status            string     `json:"status"`
}

// ListDaemonTaskDefinitionsOutput is the ListDaemonTaskDefinitions response.
type ListDaemonTaskDefinitionsOutput struct {
	DaemonTaskDefinitions []DaemonTaskDefinitionSummary `json:"daemonTaskDefinitions"`
	NextToken             *string                       `json:"nextToken,omitempty"`
}

// DaemonInput is the CreateDaemon and UpdateDaemon request.
type DaemonInput struct {
	DaemonName              string          `json:"daemonName,omitempty"`
	DaemonArn               string          `json:"daemonArn,omitempty"`
	ClusterArn              string          `json:"clusterArn,omitempty"`
	DaemonTaskDefinitionArn string          `json:"daemonTaskDefinitionArn"`
	CapacityProviderArns    []string        `json:"capacityProviderArns"`
	DeploymentConfiguration json.RawMessage `json:"deploymentConfiguration,omitempty"`
	Tags                    []Tag           `json:"tags,omitempty"`
	PropagateTags           string          `json:"propagateTags,omitempty"`
	EnableECSManagedTags    *bool           `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand    *bool           `json:"enableExecuteCommand,omitempty"`
	ClientToken             string          `json:"clientToken,omitempty"`
}

// DaemonRef names a daemon by ARN.
type DaemonRef struct {
	DaemonArn string `json:"daemonArn"`
}

// DaemonOutput answers Create/Update/DeleteDaemon.
type DaemonOutput struct {
	DaemonArn     string     `json:"daemonArn"`
	Status        string     `json:"status"`
	CreatedAt     *Timestamp `json:"createdAt,omitempty"`
	UpdatedAt     *Timestamp `json:"updatedAt,omitempty"`
	DeploymentArn string     `json:"deploymentArn,omitempty"`
}

// DaemonCapacityProvider counts a revision's daemon tasks on one capacity provider.
type DaemonCapacityProvider struct {
	Arn          string `json:"arn"`
	RunningCount int    `json:"runningCount"`
}

// DaemonRevisionDetail is a current revision of a daemon.
type DaemonRevisionDetail struct {
	Arn               string                   `json:"arn"`
	CapacityProviders []DaemonCapacityProvider `json:"capacityProviders"`
	TotalRunningCount int                      `json:"totalRunningCount"`
}

// DaemonDetail is a daemon as DescribeDaemon returns it.
type DaemonDetail struct {
	DaemonArn        string                 `json:"daemonArn"`
	ClusterArn       string                 `json:"clusterArn"`
	Status           string                 `json:"status"`
	CurrentRevisions []DaemonRevisionDetail `json:"currentRevisions"`
	DeploymentArn    string                 `json:"deploymentArn,omitempty"`
	CreatedAt        *Timestamp             `json:"createdAt,omitempty"`
	UpdatedAt        *Timestamp             `json:"updatedAt,omitempty"`
}

// DescribeDaemonOutput is the DescribeDaemon response.
type DescribeDaemonOutput struct {
	Daemon *DaemonDetail `json:"daemon"`
}

// ListDaemonsInput is the ListDaemons request.
type ListDaemonsInput struct {
	ClusterArn           string   `json:"clusterArn,omitempty"`
	CapacityProviderArns []string `json:"capacityProviderArns,omitempty"`
	ListInput
}

// DaemonSummary is a daemon as ListDaemons lists it.
type DaemonSummary struct {
	DaemonArn string     `json:"daemonArn"`
	Status    string     `json:"status"`
	CreatedAt *Timestamp `json:"createdAt,omitempty"`
	UpdatedAt *Timestamp `json:"updatedAt,omitempty"`
}

// ListDaemonsOutput is the ListDaemons response.
type ListDaemonsOutput struct {
	DaemonSummariesList []DaemonSummary `json:"daemonSummariesList"`
	NextToken           *string         `json:"nextToken,omitempty"`
}

// DaemonDeploymentCapacityProvider counts instances of one capacity provider in a
// daemon deployment.
type DaemonDeploymentCapacityProvider struct {
	Arn                   string `json:"arn"`
	RunningInstanceCount  int    `json:"runningInstanceCount"`
	DrainingInstanceCount int    `json:"drainingInstanceCount"`
}

// DaemonDeploymentRevisionDetail is a revision within a daemon deployment.
type DaemonDeploymentRevisionDetail struct {
	Arn                        string                             `json:"arn"`
	CapacityProviders          []DaemonDeploymentCapacityProvider `json:"capacityProviders"`
	TotalRunningInstanceCount  int                                `json:"totalRunningInstanceCount"`
	TotalDrainingInstanceCount int                                `json:"totalDrainingInstanceCount"`
}

// DaemonDeployment is a daemon deployment as DescribeDaemonDeployments returns it.
type DaemonDeployment struct {
	DaemonDeploymentArn     string                           `json:"daemonDeploymentArn"`
	ClusterArn              string                           `json:"clusterArn"`
	Status                  string                           `json:"status"`
	StatusReason            string                           `json:"statusReason,omitempty"`
	TargetDaemonRevision    *DaemonDeploymentRevisionDetail  `json:"targetDaemonRevision,omitempty"`
	SourceDaemonRevisions   []DaemonDeploymentRevisionDetail `json:"sourceDaemonRevisions,omitempty"`
	CircuitBreaker          *ServiceDeploymentCircuitBreaker `json:"circuitBreaker,omitempty"`
	DeploymentConfiguration json.RawMessage                  `json:"deploymentConfiguration,omitempty"`
	CreatedAt               *Timestamp                       `json:"createdAt,omitempty"`
	StartedAt               *Timestamp                       `json:"startedAt,omitempty"`
	StoppedAt               *Timestamp                       `json:"stoppedAt,omitempty"`
	FinishedAt              *Timestamp                       `json:"finishedAt,omitempty"`
}

// DaemonDeploymentSummary is a daemon deployment as ListDaemonDeployments lists it.
type DaemonDeploymentSummary struct {
	DaemonDeploymentArn     string     `json:"daemonDeploymentArn"`
	DaemonArn               string     `json:"daemonArn"`
	ClusterArn              string     `json:"clusterArn"`
	Status                  string     `json:"status"`
	StatusReason            string     `json:"statusReason,omitempty"`
	TargetDaemonRevisionArn string     `json:"targetDaemonRevisionArn,omitempty"`
	CreatedAt               *Timestamp `json:"createdAt,omitempty"`
	StartedAt               *Timestamp `json:"startedAt,omitempty"`
	StoppedAt               *Timestamp `json:"stoppedAt,omitempty"`
	FinishedAt              *Timestamp `json:"finishedAt,omitempty"`
}

// ListDaemonDeploymentsInput is the ListDaemonDeployments request.
type ListDaemonDeploymentsInput struct {
	DaemonArn string           `json:"daemonArn"`
	Status    []string         `json:"status,omitempty"`
	CreatedAt *CreatedAtFilter `json:"createdAt,omitempty"`
	ListInput
}

// ListDaemonDeploymentsOutput is the ListDaemonDeployments response.
type ListDaemonDeploymentsOutput struct {
	DaemonDeployments []DaemonDeploymentSummary `json:"daemonDeployments"`
	NextToken         *string                   `json:"nextToken,omitempty"`
}

// DescribeDaemonDeploymentsInput is the DescribeDaemonDeployments request.
type DescribeDaemonDeploymentsInput struct {
	DaemonDeploymentArns []string `json:"daemonDeploymentArns"`
}

// DescribeDaemonDeploymentsOutput is the DescribeDaemonDeployments response.
type DescribeDaemonDeploymentsOutput struct {
	DaemonDeployments []DaemonDeployment `json:"daemonDeployments"`
	Failures          []Failure          `json:"failures"`
}

// DaemonRevision is a daemon revision as DescribeDaemonRevisions returns it.
type DaemonRevision struct {
	DaemonRevisionArn       string           `json:"daemonRevisionArn"`
	ClusterArn              string           `json:"clusterArn"`
	DaemonArn               string           `json:"daemonArn"`
	DaemonTaskDefinitionArn string           `json:"daemonTaskDefinitionArn"`
	CreatedAt               *Timestamp       `json:"createdAt,omitempty"`
	ContainerImages         []ContainerImage `json:"containerImages,omitempty"`
	PropagateTags           string           `json:"propagateTags,omitempty"`
	EnableECSManagedTags    *bool            `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand    *bool            `json:"enableExecuteCommand,omitempty"`
}

// DescribeDaemonRevisionsInput is the DescribeDaemonRevisions request.
type DescribeDaemonRevisionsInput struct {
	DaemonRevisionArns []string `json:"daemonRevisionArns"`
}

// DescribeDaemonRevisionsOutput is the DescribeDaemonRevisions response.
type DescribeDaemonRevisionsOutput struct {
	DaemonRevisions []DaemonRevision `json:"daemonRevisions"`
	Failures        []Failure        `json:"failures"`
}

// Daemon and daemon task definition statuses.
const (
	DaemonActive           = "ACTIVE"
	DaemonDeleteInProgress = "DELETE_IN_PROGRESS"
)
