package appscaling

import "github.com/ecsmini/ecsmini/emulator/ecs"

// The API's shapes, named and spelled as the application-autoscaling model has them
// (JSON 1.1: member names as they are, timestamps as epoch seconds).

// Values of the model's enums that ecsmini acts on.
const (
	NamespaceECS          = "ecs"
	DimensionDesiredCount = "ecs:service:DesiredCount"

	PolicyStepScaling    = "StepScaling"
	PolicyTargetTracking = "TargetTrackingScaling"
	PolicyPredictive     = "PredictiveScaling"

	MetricCPU      = "ECSServiceAverageCPUUtilization"
	MetricMemory   = "ECSServiceAverageMemoryUtilization"
	MetricRequests = "ALBRequestCountPerTarget"

	AdjustChange  = "ChangeInCapacity"
	AdjustPercent = "PercentChangeInCapacity"
	AdjustExact   = "ExactCapacity"

	StatusSuccessful = "Successful"
	StatusFailed     = "Failed"
)

// Exception names of the API.
const (
	CodeValidation      = "ValidationException"
	CodeObjectNotFound  = "ObjectNotFoundException"
	CodeResourceMissing = "ResourceNotFoundException"
	CodeLimitExceeded   = "LimitExceededException"
	CodeBadNextToken    = "InvalidNextTokenException"
	CodeTooManyTags     = "TooManyTagsException"
)

type SuspendedState struct {
	DynamicScalingInSuspended  *bool `json:",omitempty"`
	DynamicScalingOutSuspended *bool `json:",omitempty"`
	ScheduledScalingSuspended  *bool `json:",omitempty"`
}

type ScalableTarget struct {
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	MinCapacity       int
	MaxCapacity       int
	RoleARN           string
	CreationTime      *ecs.Timestamp
	SuspendedState    *SuspendedState `json:",omitempty"`
	ScalableTargetARN string          `json:",omitempty"`
}

type StepAdjustment struct {
	MetricIntervalLowerBound *float64 `json:",omitempty"`
	MetricIntervalUpperBound *float64 `json:",omitempty"`
	ScalingAdjustment        int
}

type StepScalingPolicyConfiguration struct {
	AdjustmentType         string           `json:",omitempty"`
	StepAdjustments        []StepAdjustment `json:",omitempty"`
	MinAdjustmentMagnitude *int             `json:",omitempty"`
	Cooldown               *int             `json:",omitempty"`
	MetricAggregationType  string           `json:",omitempty"`
}

type PredefinedMetricSpecification struct {
	PredefinedMetricType string
	ResourceLabel        string `json:",omitempty"`
}

type MetricDimension struct {
	Name  string
	Value string
}

// CustomizedMetricSpecification is kept as given; ecsmini has no CloudWatch metrics
// to track it with (see the package doc).
type CustomizedMetricSpecification struct {
	MetricName string            `json:",omitempty"`
	Namespace  string            `json:",omitempty"`
	Dimensions []MetricDimension `json:",omitempty"`
	Statistic  string            `json:",omitempty"`
	Unit       string            `json:",omitempty"`
	Metrics    []map[string]any  `json:",omitempty"`
}

type TargetTrackingScalingPolicyConfiguration struct {
	TargetValue                   float64
	PredefinedMetricSpecification *PredefinedMetricSpecification `json:",omitempty"`
	CustomizedMetricSpecification *CustomizedMetricSpecification `json:",omitempty"`
	ScaleOutCooldown              *int                           `json:",omitempty"`
	ScaleInCooldown               *int                           `json:",omitempty"`
	DisableScaleIn                *bool                          `json:",omitempty"`
}

type Alarm struct {
	AlarmName string
	AlarmARN  string
}

type ScalingPolicy struct {
	PolicyARN                                string
	PolicyName                               string
	ServiceNamespace                         string
	ResourceId                               string
	ScalableDimension                        string
	PolicyType                               string
	StepScalingPolicyConfiguration           *StepScalingPolicyConfiguration           `json:",omitempty"`
	TargetTrackingScalingPolicyConfiguration *TargetTrackingScalingPolicyConfiguration `json:",omitempty"`
	PredictiveScalingPolicyConfiguration     map[string]any                            `json:",omitempty"`
	Alarms                                   []Alarm
	CreationTime                             *ecs.Timestamp
}

type ScalableTargetAction struct {
	MinCapacity *int `json:",omitempty"`
	MaxCapacity *int `json:",omitempty"`
}

type ScheduledAction struct {
	ScheduledActionName  string
	ScheduledActionARN   string
	ServiceNamespace     string
	Schedule             string
	Timezone             string `json:",omitempty"`
	ResourceId           string
	ScalableDimension    string
	StartTime            *ecs.Timestamp        `json:",omitempty"`
	EndTime              *ecs.Timestamp        `json:",omitempty"`
	ScalableTargetAction *ScalableTargetAction `json:",omitempty"`
	CreationTime         *ecs.Timestamp
}

type NotScaledReason struct {
	Code            string
	MaxCapacity     *int `json:",omitempty"`
	MinCapacity     *int `json:",omitempty"`
	CurrentCapacity *int `json:",omitempty"`
}

type ScalingActivity struct {
	ActivityId        string
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	Description       string
	Cause             string
	StartTime         *ecs.Timestamp
	EndTime           *ecs.Timestamp `json:",omitempty"`
	StatusCode        string
	StatusMessage     string            `json:",omitempty"`
	Details           string            `json:",omitempty"`
	NotScaledReasons  []NotScaledReason `json:",omitempty"`
}

type RegisterScalableTargetInput struct {
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	MinCapacity       *int
	MaxCapacity       *int
	RoleARN           string
	SuspendedState    *SuspendedState
	Tags              map[string]string
}

type RegisterScalableTargetOutput struct {
	ScalableTargetARN string `json:",omitempty"`
}

type DescribeScalableTargetsInput struct {
	ServiceNamespace  string
	ResourceIds       []string
	ScalableDimension string
	MaxResults        *int
	NextToken         string
}

type DescribeScalableTargetsOutput struct {
	ScalableTargets []ScalableTarget
	NextToken       string `json:",omitempty"`
}

type TargetRef struct {
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
}

type DeregisterScalableTargetInput = TargetRef

type Empty struct{}

type PutScalingPolicyInput struct {
	PolicyName                               string
	ServiceNamespace                         string
	ResourceId                               string
	ScalableDimension                        string
	PolicyType                               string
	StepScalingPolicyConfiguration           *StepScalingPolicyConfiguration
	TargetTrackingScalingPolicyConfiguration *TargetTrackingScalingPolicyConfiguration
	PredictiveScalingPolicyConfiguration     map[string]any
}

type PutScalingPolicyOutput struct {
	PolicyARN string
	Alarms    []Alarm
}

type DescribeScalingPoliciesInput struct {
	PolicyNames       []string
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
	MaxResults        *int
	NextToken         string
}

type DescribeScalingPoliciesOutput struct {
	ScalingPolicies []ScalingPolicy
	NextToken       string `json:",omitempty"`
}

type DeleteScalingPolicyInput struct {
	PolicyName        string
	ServiceNamespace  string
	ResourceId        string
	ScalableDimension string
}

type PutScheduledActionInput struct {
	ServiceNamespace     string
	Schedule             string
	Timezone             string
	ScheduledActionName  string
	ResourceId           string
	ScalableDimension    string
	StartTime            *ecs.Timestamp
	EndTime              *ecs.Timestamp
	ScalableTargetAction *ScalableTargetAction
}

type DescribeScheduledActionsInput struct {
	ScheduledActionNames []string
	ServiceNamespace     string
	ResourceId           string
	ScalableDimension    string
	MaxResults           *int
	NextToken            string
}

type DescribeScheduledActionsOutput struct {
	ScheduledActions []ScheduledAction
	NextToken        string `json:",omitempty"`
}

type DeleteScheduledActionInput struct {
	ServiceNamespace    string
	ScheduledActionName string
	ResourceId          string
	ScalableDimension   string
}

type DescribeScalingActivitiesInput struct {
	ServiceNamespace           string
	ResourceId                 string
	ScalableDimension          string
	MaxResults                 *int
	NextToken                  string
	IncludeNotScaledActivities *bool
}

type DescribeScalingActivitiesOutput struct {
	ScalingActivities []ScalingActivity
	NextToken         string `json:",omitempty"`
}

type TagResourceInput struct {
	ResourceARN string
	Tags        map[string]string
}

type UntagResourceInput struct {
	ResourceARN string
	TagKeys     []string
}

type ListTagsForResourceInput struct {
	ResourceARN string
}

type ListTagsForResourceOutput struct {
	Tags map[string]string
}
