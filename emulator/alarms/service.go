package alarms

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Metrics samples a service's load: the port Application Auto Scaling's metrics use,
// so alarms and target tracking see the same utilisation.
type Metrics = appscaling.Metrics

// Actions runs the alarm actions ecsmini acts on: Application Auto Scaling scaling
// policies (appscaling.Service implements it).
type Actions interface {
	// ExecuteScalingPolicy runs the policy policyARN because alarmName is in state;
	// metric is the value the alarm evaluated (its last datapoint) against threshold.
	ExecuteScalingPolicy(ctx context.Context, policyARN, alarmName, state string, metric, threshold float64) error
}

// Config configures a Service.
type Config struct {
	Dir     string // where the state is kept ("": in memory only)
	Clock   clock.Clock
	Region  string // the default region of callers without one
	Account string
	Metrics Metrics // nil: no datapoints (metric alarms stay as they are)
	Actions Actions // nil: actions are never run
	Kick    func()  // asks the control loop for a pass
	Log     *slog.Logger
}

// Service is CloudWatch metric alarms. Its methods are safe for concurrent use.
type Service struct {
	cfg    Config
	mu     sync.Mutex
	alarms map[string]*alarm // by alarmKey
}

// alarm is a metric alarm with its history and evaluation.
type alarm struct {
	Region  string             `json:"region"`
	A       MetricAlarm        `json:"alarm"`
	Tags    []Tag              `json:"tags,omitempty"`
	History []AlarmHistoryItem `json:"history,omitempty"` // newest first
	// The datapoints are not kept across restarts: CloudWatch's evaluation starts
	// over after a gap in the metric too.
	eval evaluation
}

// maxHistory bounds the history kept per alarm.
const maxHistory = 100

func alarmKey(region, name string) string { return region + "\x00" + name }

// Open loads the state kept under cfg.Dir.
func Open(cfg Config) (*Service, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, alarms: map[string]*alarm{}}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("CloudWatch alarms state: %w", err)
	}
	return s, nil
}

func (s *Service) region(ctx context.Context) string {
	if r := ecs.RegionFrom(ctx); r != "" {
		return r
	}
	return s.cfg.Region
}

func (s *Service) kick() {
	if s.cfg.Kick != nil {
		s.cfg.Kick()
	}
}

func invalid(format string, args ...any) *ecs.Error {
	return ecs.Errorf(CodeInvalidParameter, format, args...)
}

var alarmNameRE = regexp.MustCompile(`^[^\x00-\x1f]{1,255}$`)

var statistics = []string{"SampleCount", "Average", "Sum", "Minimum", "Maximum"}

var operators = []string{GreaterOrEqual, Greater, Less, LessOrEqual,
	"LessThanLowerOrGreaterThanUpperThreshold", "LessThanLowerThreshold", "GreaterThanUpperThreshold"}

// checkPut validates a PutMetricAlarm request as CloudWatch does for the parts
// ecsmini keeps.
func checkPut(in *PutMetricAlarmInput) error {
	if in.AlarmName == "" {
		return ecs.Errorf(CodeMissingParameter, "The parameter AlarmName is required.")
	}
	if !alarmNameRE.MatchString(in.AlarmName) {
		return invalid("The parameter AlarmName must be between 1 and 255 characters long.")
	}
	if in.EvaluationPeriods == nil {
		return ecs.Errorf(CodeMissingParameter, "The parameter EvaluationPeriods is required.")
	}
	if *in.EvaluationPeriods < 1 {
		return invalid("The parameter EvaluationPeriods must be greater than or equal to 1.")
	}
	if in.ComparisonOperator == "" {
		return ecs.Errorf(CodeMissingParameter, "The parameter ComparisonOperator is required.")
	}
	if !slices.Contains(operators, in.ComparisonOperator) {
		return invalid("1 validation error detected: Value '%s' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [%s]", in.ComparisonOperator, strings.Join(operators, ", "))
	}
	if len(in.Metrics) > 0 {
		return invalid("ecsmini does not serve metric math alarms (Metrics); give MetricName, Namespace and Dimensions")
	}
	if in.MetricName == "" || in.Namespace == "" {
		return ecs.Errorf(CodeMissingParameter, "The parameters MetricName and Namespace are required.")
	}
	if in.Period == nil {
		return ecs.Errorf(CodeMissingParameter, "The parameter Period is required.")
	}
	if p := *in.Period; p != 10 && p != 20 && p != 30 && (p < 60 || p%60 != 0) {
		return invalid("The parameter Period must be 10, 20, 30, or a multiple of 60.")
	}
	if (in.Statistic == "") == (in.ExtendedStatistic == "") {
		return invalid("Exactly one of the parameters Statistic and ExtendedStatistic must be specified.")
	}
	if in.Statistic != "" && !slices.Contains(statistics, in.Statistic) {
		return invalid("1 validation error detected: Value '%s' at 'statistic' failed to satisfy constraint: Member must satisfy enum value set: [%s]", in.Statistic, strings.Join(statistics, ", "))
	}
	if in.Threshold == nil {
		return ecs.Errorf(CodeMissingParameter, "The parameter Threshold is required.")
	}
	if d := in.DatapointsToAlarm; d != nil && (*d < 1 || *d > *in.EvaluationPeriods) {
		return invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods (%d).", *in.EvaluationPeriods)
	}
	if *in.Period**in.EvaluationPeriods > 7*86400 {
		return invalid("The evaluation period of the alarm (Period × EvaluationPeriods) cannot exceed 7 days.")
	}
	switch in.TreatMissingData {
	case "", MissingMissing, MissingBreaching, MissingNotBreaches, MissingIgnore:
	default:
		return invalid("The parameter TreatMissingData must be one of breaching, notBreaching, ignore, missing.")
	}
	return nil
}

func (s *Service) arn(region, name string) string {
	return fmt.Sprintf("arn:aws:cloudwatch:%s:%s:alarm:%s", region, s.cfg.Account, name)
}

// PutMetricAlarm creates an alarm or replaces its configuration. A new alarm starts
// in INSUFFICIENT_DATA; an updated one keeps its state and starts its evaluation over.
func (s *Service) PutMetricAlarm(ctx context.Context, in *PutMetricAlarmInput) (*Empty, error) {
	if err := checkPut(in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	region, now := s.region(ctx), s.cfg.Clock.Now()
	key := alarmKey(region, in.AlarmName)
	old := s.alarms[key]
	a := &alarm{Region: region, A: MetricAlarm{AlarmName: in.AlarmName, AlarmArn: s.arn(region, in.AlarmName),
		AlarmDescription: in.AlarmDescription, AlarmConfigurationUpdatedTimestamp: &now,
		ActionsEnabled: in.ActionsEnabled == nil || *in.ActionsEnabled,
		OKActions:      nonNil(in.OKActions), AlarmActions: nonNil(in.AlarmActions), InsufficientDataActions: nonNil(in.InsufficientDataActions),
		MetricName: in.MetricName, Namespace: in.Namespace, Statistic: in.Statistic, ExtendedStatistic: in.ExtendedStatistic,
		Dimensions: nonNil(in.Dimensions), Period: in.Period, Unit: in.Unit, EvaluationPeriods: *in.EvaluationPeriods,
		DatapointsToAlarm: in.DatapointsToAlarm, Threshold: in.Threshold, ComparisonOperator: in.ComparisonOperator,
		TreatMissingData: in.TreatMissingData}, Tags: in.Tags}
	summary := fmt.Sprintf("Alarm %q created", in.AlarmName)
	if old != nil {
		a.A.StateValue, a.A.StateReason, a.A.StateReasonData = old.A.StateValue, old.A.StateReason, old.A.StateReasonData
		a.A.StateUpdatedTimestamp, a.A.StateTransitionedTimestamp = old.A.StateUpdatedTimestamp, old.A.StateTransitionedTimestamp
		a.History = old.History
		if in.Tags == nil {
			a.Tags = old.Tags
		}
		summary = fmt.Sprintf("Alarm %q updated", in.AlarmName)
	} else {
		a.A.StateValue, a.A.StateReason = StateInsufficient, "Unchecked: Initial alarm creation"
		a.A.StateUpdatedTimestamp, a.A.StateTransitionedTimestamp = &now, &now
	}
	a.addHistory(now, "ConfigurationUpdate", summary, "")
	s.alarms[key] = a
	if err := s.saveLocked(); err != nil {
		if old != nil {
			s.alarms[key] = old
		} else {
			delete(s.alarms, key)
		}
		return nil, err
	}
	s.kick()
	return &Empty{}, nil
}

func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (a *alarm) addHistory(now time.Time, kind, summary, data string) {
	if data == "" {
		data = "{}"
	}
	at := now
	a.History = append([]AlarmHistoryItem{{AlarmName: a.A.AlarmName, AlarmType: "MetricAlarm", Timestamp: &at,
		HistoryItemType: kind, HistorySummary: summary, HistoryData: data}}, a.History...)
	if len(a.History) > maxHistory {
		a.History = a.History[:maxHistory]
	}
}

// sortedLocked is the alarms of region sorted by name; the caller holds s.mu.
func (s *Service) sortedLocked(region string) []*alarm {
	var out []*alarm
	for _, a := range s.alarms {
		if region == "" || a.Region == region {
			out = append(out, a)
		}
	}
	slices.SortFunc(out, func(x, y *alarm) int {
		if c := strings.Compare(x.Region, y.Region); c != 0 {
			return c
		}
		return strings.Compare(x.A.AlarmName, y.A.AlarmName)
	})
	return out
}

// DescribeAlarms lists alarms by name, name prefix, state and action prefix.
func (s *Service) DescribeAlarms(ctx context.Context, in *DescribeAlarmsInput) (*DescribeAlarmsOutput, error) {
	if in.AlarmNamePrefix != "" && len(in.AlarmNames) > 0 {
		return nil, invalid("AlarmNames and AlarmNamePrefix cannot be specified together.")
	}
	switch in.StateValue {
	case "", StateOK, StateAlarm, StateInsufficient:
	default:
		return nil, invalid("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", in.StateValue)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := []MetricAlarm{}
	if len(in.AlarmTypes) == 0 || slices.Contains(in.AlarmTypes, "MetricAlarm") {
		for _, a := range s.sortedLocked(s.region(ctx)) {
			if (len(in.AlarmNames) > 0 && !slices.Contains(in.AlarmNames, a.A.AlarmName)) ||
				!strings.HasPrefix(a.A.AlarmName, in.AlarmNamePrefix) ||
				(in.StateValue != "" && a.A.StateValue != in.StateValue) ||
				(in.ActionPrefix != "" && !hasActionPrefix(a.A, in.ActionPrefix)) {
				continue
			}
			all = append(all, a.A)
		}
	}
	items, next, err := page(all, in.NextToken, in.MaxRecords, 100)
	if err != nil {
		return nil, err
	}
	return &DescribeAlarmsOutput{MetricAlarms: items, NextToken: next}, nil
}

func hasActionPrefix(a MetricAlarm, prefix string) bool {
	for _, list := range [][]string{a.AlarmActions, a.OKActions, a.InsufficientDataActions} {
		for _, act := range list {
			if strings.HasPrefix(act, prefix) {
				return true
			}
		}
	}
	return false
}

// DeleteAlarms deletes alarms; a name that is not an alarm fails the whole request.
func (s *Service) DeleteAlarms(ctx context.Context, in *DeleteAlarmsInput) (*Empty, error) {
	if len(in.AlarmNames) == 0 {
		return nil, ecs.Errorf(CodeMissingParameter, "The parameter AlarmNames is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	region := s.region(ctx)
	for _, n := range in.AlarmNames {
		if s.alarms[alarmKey(region, n)] == nil {
			return nil, ecs.Errorf(CodeNotFound, "%s not found", n)
		}
	}
	removed := map[string]*alarm{}
	for _, n := range in.AlarmNames {
		k := alarmKey(region, n)
		removed[k] = s.alarms[k]
		delete(s.alarms, k)
	}
	if err := s.saveLocked(); err != nil {
		for k, a := range removed {
			s.alarms[k] = a
		}
		return nil, err
	}
	return &Empty{}, nil
}

// DescribeAlarmHistory lists an alarm's (or every alarm's) history, newest first
// unless ScanBy is TimestampAscending.
func (s *Service) DescribeAlarmHistory(ctx context.Context, in *DescribeAlarmHistoryInput) (*DescribeAlarmHistoryOutput, error) {
	switch in.HistoryItemType {
	case "", "ConfigurationUpdate", "StateUpdate", "Action":
	default:
		return nil, invalid("HistoryItemType must be one of ConfigurationUpdate, StateUpdate, Action.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := []AlarmHistoryItem{}
	for _, a := range s.sortedLocked(s.region(ctx)) {
		if in.AlarmName != "" && a.A.AlarmName != in.AlarmName {
			continue
		}
		for _, h := range a.History {
			if (in.HistoryItemType != "" && h.HistoryItemType != in.HistoryItemType) ||
				(in.StartDate != nil && h.Timestamp.Before(*in.StartDate)) ||
				(in.EndDate != nil && h.Timestamp.After(*in.EndDate)) {
				continue
			}
			all = append(all, h)
		}
	}
	slices.SortStableFunc(all, func(x, y AlarmHistoryItem) int { return y.Timestamp.Compare(*x.Timestamp) })
	if in.ScanBy == "TimestampAscending" {
		slices.Reverse(all)
	}
	items, next, err := page(all, in.NextToken, in.MaxRecords, 100)
	if err != nil {
		return nil, err
	}
	return &DescribeAlarmHistoryOutput{AlarmHistoryItems: items, NextToken: next}, nil
}

// page cuts a listing at a NextToken (an offset) and MaxRecords (1-100, default 50).
func page[T any](all []T, token string, maxRecords *int, limit int) ([]T, string, error) {
	start := 0
	if token != "" {
		if _, err := fmt.Sscanf(token, "%d", &start); err != nil || start < 0 || start > len(all) {
			return nil, "", ecs.Errorf(CodeInvalidToken, "The service returned an invalid NextToken.")
		}
	}
	n := 50
	if maxRecords != nil {
		if *maxRecords < 1 || *maxRecords > limit {
			return nil, "", invalid("The parameter MaxRecords must be between 1 and %d.", limit)
		}
		n = *maxRecords
	}
	end := min(start+n, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprint(end)
	}
	return all[start:end], next, nil
}
