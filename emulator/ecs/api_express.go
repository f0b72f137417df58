package ecs

// Express gateway services (CreateExpressGatewayService and the rest): the wire shapes
// of the API model. Package express implements the operations.

// ExpressGatewayContainer is an Express service's primary container.
type ExpressGatewayContainer struct {
	Image                 string                                     `json:"image,omitempty"`
	ContainerPort         *int                                       `json:"containerPort,omitempty"`
	Command               []string                                   `json:"command,omitempty"`
	Environment           []KeyValuePair                             `json:"environment,omitempty"`
	Secrets               []Secret                                   `json:"secrets,omitempty"`
	RepositoryCredentials *RepositoryCredentials                     `json:"repositoryCredentials,omitempty"`
	AwsLogsConfiguration  *ExpressGatewayServiceAwsLogsConfiguration `json:"awsLogsConfiguration,omitempty"`
}

// ExpressGatewayServiceAwsLogsConfiguration is where the primary container's awslogs go.
type ExpressGatewayServiceAwsLogsConfiguration struct {
	LogGroup        string `json:"logGroup,omitempty"`
	LogStreamPrefix string `json:"logStreamPrefix,omitempty"`
}

// ExpressGatewayScalingTarget is an Express service's autoscaling configuration.
type ExpressGatewayScalingTarget struct {
	MinTaskCount           *int   `json:"minTaskCount,omitempty"`
	MaxTaskCount           *int   `json:"maxTaskCount,omitempty"`
	AutoScalingMetric      string `json:"autoScalingMetric,omitempty"`
	AutoScalingTargetValue *int   `json:"autoScalingTargetValue,omitempty"`
}

// ExpressGatewayServiceNetworkConfiguration is an Express service's subnets and
// security groups.
type ExpressGatewayServiceNetworkConfiguration struct {
	SecurityGroups []string `json:"securityGroups,omitempty"`
	Subnets        []string `json:"subnets,omitempty"`
}

// IngressPathSummary is one way into an Express service.
type IngressPathSummary struct {
	AccessType string `json:"accessType,omitempty"`
	Endpoint   string `json:"endpoint,omitempty"`
}

// ExpressGatewayServiceStatus is an Express service's status.
type ExpressGatewayServiceStatus struct {
	StatusCode   string `json:"statusCode,omitempty"`
	StatusReason string `json:"statusReason,omitempty"`
}

// Express service status codes.
const (
	ExpressActive   = "ACTIVE"
	ExpressDraining = "DRAINING"
	ExpressInactive = "INACTIVE"
)

// ExpressGatewayServiceConfiguration is one configuration of an Express service (one
// per service revision).
type ExpressGatewayServiceConfiguration struct {
	ServiceRevisionArn   string                                     `json:"serviceRevisionArn,omitempty"`
	TaskDefinitionArn    string                                     `json:"taskDefinitionArn,omitempty"`
	ExecutionRoleArn     string                                     `json:"executionRoleArn,omitempty"`
	TaskRoleArn          string                                     `json:"taskRoleArn,omitempty"`
	Cpu                  string                                     `json:"cpu,omitempty"`
	Memory               string                                     `json:"memory,omitempty"`
	CpuArchitecture      string                                     `json:"cpuArchitecture,omitempty"`
	NetworkConfiguration *ExpressGatewayServiceNetworkConfiguration `json:"networkConfiguration,omitempty"`
	HealthCheckPath      string                                     `json:"healthCheckPath,omitempty"`
	PrimaryContainer     *ExpressGatewayContainer                   `json:"primaryContainer,omitempty"`
	ScalingTarget        *ExpressGatewayScalingTarget               `json:"scalingTarget,omitempty"`
	IngressPaths         []IngressPathSummary                       `json:"ingressPaths,omitempty"`
	CreatedAt            *Timestamp                                 `json:"createdAt,omitempty"`
}

// ECSExpressGatewayService is an Express service as Create, Describe and Delete show it.
type ECSExpressGatewayService struct {
	Cluster               string                               `json:"cluster,omitempty"`
	ServiceName           string                               `json:"serviceName,omitempty"`
	ServiceArn            string                               `json:"serviceArn,omitempty"`
	InfrastructureRoleArn string                               `json:"infrastructureRoleArn,omitempty"`
	Status                *ExpressGatewayServiceStatus         `json:"status,omitempty"`
	CurrentDeployment     string                               `json:"currentDeployment,omitempty"`
	ActiveConfigurations  []ExpressGatewayServiceConfiguration `json:"activeConfigurations"`
	Tags                  []Tag                                `json:"tags,omitempty"`
	CreatedAt             *Timestamp                           `json:"createdAt,omitempty"`
	UpdatedAt             *Timestamp                           `json:"updatedAt,omitempty"`
}

// UpdatedExpressGatewayService is an Express service as Update shows it.
type UpdatedExpressGatewayService struct {
	Cluster             string                              `json:"cluster,omitempty"`
	ServiceName         string                              `json:"serviceName,omitempty"`
	ServiceArn          string                              `json:"serviceArn,omitempty"`
	Status              *ExpressGatewayServiceStatus        `json:"status,omitempty"`
	TargetConfiguration *ExpressGatewayServiceConfiguration `json:"targetConfiguration,omitempty"`
	CreatedAt           *Timestamp                          `json:"createdAt,omitempty"`
	UpdatedAt           *Timestamp                          `json:"updatedAt,omitempty"`
}

// CreateExpressGatewayServiceInput is CreateExpressGatewayService's request.
type CreateExpressGatewayServiceInput struct {
	InfrastructureRoleArn string                                     `json:"infrastructureRoleArn"`
	ExecutionRoleArn      string                                     `json:"executionRoleArn,omitempty"`
	TaskRoleArn           string                                     `json:"taskRoleArn,omitempty"`
	ServiceName           string                                     `json:"serviceName,omitempty"`
	Cluster               string                                     `json:"cluster,omitempty"`
	HealthCheckPath       string                                     `json:"healthCheckPath,omitempty"`
	PrimaryContainer      *ExpressGatewayContainer                   `json:"primaryContainer,omitempty"`
	TaskDefinitionArn     string                                     `json:"taskDefinitionArn,omitempty"`
	NetworkConfiguration  *ExpressGatewayServiceNetworkConfiguration `json:"networkConfiguration,omitempty"`
	Cpu                   string                                     `json:"cpu,omitempty"`
	Memory                string                                     `json:"memory,omitempty"`
	CpuArchitecture       string                                     `json:"cpuArchitecture,omitempty"`
	ScalingTarget         *ExpressGatewayScalingTarget               `json:"scalingTarget,omitempty"`
	Tags                  []Tag                                      `json:"tags,omitempty"`
}

// UpdateExpressGatewayServiceInput is UpdateExpressGatewayService's request: members
// left out keep their value.
type UpdateExpressGatewayServiceInput struct {
	ServiceArn           string                                     `json:"serviceArn"`
	ExecutionRoleArn     string                                     `json:"executionRoleArn,omitempty"`
	TaskRoleArn          string                                     `json:"taskRoleArn,omitempty"`
	HealthCheckPath      string                                     `json:"healthCheckPath,omitempty"`
	PrimaryContainer     *ExpressGatewayContainer                   `json:"primaryContainer,omitempty"`
	TaskDefinitionArn    string                                     `json:"taskDefinitionArn,omitempty"`
	NetworkConfiguration *ExpressGatewayServiceNetworkConfiguration `json:"networkConfiguration,omitempty"`
	Cpu                  string                                     `json:"cpu,omitempty"`
	Memory               string                                     `json:"memory,omitempty"`
	CpuArchitecture      string                                     `json:"cpuArchitecture,omitempty"`
	ScalingTarget        *ExpressGatewayScalingTarget               `json:"scalingTarget,omitempty"`
}

// ExpressGatewayServiceRef names an Express service (Describe and Delete).
type ExpressGatewayServiceRef struct {
	ServiceArn string   `json:"serviceArn"`
	Include    []string `json:"include,omitempty"`
}

// ExpressGatewayServiceOutput is Create's, Describe's and Delete's answer.
type ExpressGatewayServiceOutput struct {
	Service *ECSExpressGatewayService `json:"service"`
}

// UpdateExpressGatewayServiceOutput is Update's answer.
type UpdateExpressGatewayServiceOutput struct {
	Service *UpdatedExpressGatewayService `json:"service"`
}
