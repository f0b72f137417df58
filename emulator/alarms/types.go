package alarms

import "time"

// The API's shapes, named and spelled as the CloudWatch model has them. The json tags
// serve both wire protocols (the CBOR codec reads them too).

// Alarm states.
const (
	StateOK           = "OK"
	StateAlarm        = "ALARM"
	StateInsufficient = "INSUFFICIENT_DATA"
)

// Comparison operators evaluated.
const (
	GreaterOrEqual = "GreaterThanOrEqualToThreshold"
	Greater        = "GreaterThanThreshold"
	Less           = "LessThanThreshold"
	LessOrEqual    = "LessThanOrEqualToThreshold"
)

// TreatMissingData values.
const (
	MissingMissing     = "missing"
	MissingBreaching   = "breaching"
	MissingNotBreaches = "notBreaching"
	MissingIgnore      = "ignore"
)

// The ECS metrics ecsmini evaluates.
const (
	NamespaceECS = "AWS/ECS"
	MetricCPU    = "CPUUtilization"
	MetricMemory = "MemoryUtilization"
)

// Exception codes of the API (CloudWatch is query-compatible: these are the awsQuery
// codes its clients know).
const (
	CodeInvalidParameter = "InvalidParameterValue"
	CodeMissingParameter = "MissingParameter"
	CodeNotFound         = "ResourceNotFound"
	CodeLimitExceeded    = "LimitExceeded"
	CodeInvalidToken     = "InvalidNextToken"
	CodeInvalidFormat    = "InvalidFormat"
)

type Dimension struct {
	Name  string
	Value string
}

type Tag struct {
	Key   string
	Value string
}

type MetricAlarm struct {
	AlarmName                          string
	AlarmArn                           string
	AlarmDescription                   string     `json:",omitempty"`
	AlarmConfigurationUpdatedTimestamp *time.Time `json:",omitempty"`
	ActionsEnabled                     bool
	OKActions                          []string
	AlarmActions                       []string
	InsufficientDataActions            []string
	StateValue                         string
	StateReason                        string     `json:",omitempty"`
	StateReasonData                    string     `json:",omitempty"`
	StateUpdatedTimestamp              *time.Time `json:",omitempty"`
	StateTransitionedTimestamp         *time.Time `json:",omitempty"`
	MetricName                         string     `json:",omitempty"`
	Namespace                          string     `json:",omitempty"`
	Statistic                          string     `json:",omitempty"`
	ExtendedStatistic                  string     `json:",omitempty"`
	Dimensions                         []Dimension
	Period                             *int     `json:",omitempty"`
	Unit                               string   `json:",omitempty"`
	EvaluationPeriods                  int      `json:",omitempty"`
	DatapointsToAlarm                  *int     `json:",omitempty"`
	Threshold                          *float64 `json:",omitempty"`
	ComparisonOperator                 string   `json:",omitempty"`
	TreatMissingData                   string   `json:",omitempty"`
}

type PutMetricAlarmInput struct {
	AlarmName               string
	AlarmDescription        string
	ActionsEnabled          *bool
	OKActions               []string
	AlarmActions            []string
	InsufficientDataActions []string
	MetricName              string
	Namespace               string
	Statistic               string
	ExtendedStatistic       string
	Dimensions              []Dimension
	Period                  *int
	Unit                    string
	EvaluationPeriods       *int
	DatapointsToAlarm       *int
	Threshold               *float64
	ComparisonOperator      string
	TreatMissingData        string
	Metrics                 []map[string]any
	ThresholdMetricId       string
	Tags                    []Tag
}

type DescribeAlarmsInput struct {
	AlarmNames      []string
	AlarmNamePrefix string
	AlarmTypes      []string
	StateValue      string
	ActionPrefix    string
	MaxRecords      *int
	NextToken       string
}

type DescribeAlarmsOutput struct {
	MetricAlarms    []MetricAlarm
	CompositeAlarms []map[string]any
	NextToken       string `json:",omitempty"`
}

type DeleteAlarmsInput struct {
	AlarmNames []string
}

type SetAlarmStateInput struct {
	AlarmName       string
	StateValue      string
	StateReason     string
	StateReasonData string
}

type AlarmHistoryItem struct {
	AlarmName       string
	AlarmType       string
	Timestamp       *time.Time
	HistoryItemType string
	HistorySummary  string
	HistoryData     string
}

type DescribeAlarmHistoryInput struct {
	AlarmName       string
	AlarmTypes      []string
	HistoryItemType string
	StartDate       *time.Time
	EndDate         *time.Time
	MaxRecords      *int
	NextToken       string
	ScanBy          string
}

type DescribeAlarmHistoryOutput struct {
	AlarmHistoryItems []AlarmHistoryItem
	NextToken         string `json:",omitempty"`
}

type Empty struct{}
