package alarms

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// load is a service's simulated CPU, changed by the test.
type load struct {
	mu    sync.Mutex
	cpu   float64
	tasks int
}

func (l *load) Sample(context.Context, string, string, string) (appscaling.Sample, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return appscaling.Sample{CPU: l.cpu, Memory: 10, Tasks: l.tasks}, nil
}

func (l *load) set(cpu float64) {
	l.mu.Lock()
	l.cpu = cpu
	l.mu.Unlock()
}

// policyLog records the policies run.
type policyLog struct{ runs []string }

func (p *policyLog) ExecuteScalingPolicy(_ context.Context, arn, alarm, state string, metric, threshold float64) error {
	p.runs = append(p.runs, alarm+" "+state+" "+arn)
	return nil
}

const policyARN = "arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:1:resource/ecs/service/demo/web:policyName/out"

func newService(t *testing.T, dir string) (*Service, *load, *policyLog, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC))
	l, p := &load{tasks: 2}, &policyLog{}
	s, err := Open(Config{Dir: dir, Clock: clk, Region: "us-east-1", Account: "000000000000", Metrics: l, Actions: p})
	if err != nil {
		t.Fatal(err)
	}
	return s, l, p, clk
}

func cpuAlarm(name string, threshold float64, periods, toAlarm int) *PutMetricAlarmInput {
	period := 60
	return &PutMetricAlarmInput{AlarmName: name, Namespace: NamespaceECS, MetricName: MetricCPU, Statistic: "Average",
		Dimensions: []Dimension{{"ClusterName", "demo"}, {"ServiceName", "web"}}, Period: &period,
		EvaluationPeriods: &periods, DatapointsToAlarm: &toAlarm, Threshold: &threshold,
		ComparisonOperator: GreaterOrEqual, AlarmActions: []string{policyARN}}
}

// minutes advances the clock a minute at a time, reconciling after each.
func minutes(t *testing.T, s *Service, clk *clock.Fake, n int) {
	t.Helper()
	for range n {
		clk.Advance(time.Minute)
		if _, err := s.Reconcile(clk.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEvaluation(t *testing.T) {
	tests := []struct {
		name      string
		periods   int
		toAlarm   int
		loads     []float64 // one a minute
		tasks     int
		missing   string
		wantState string
		wantRuns  int
	}{
		{name: "three of three above", periods: 3, toAlarm: 3, loads: []float64{80, 90, 85}, tasks: 2, wantState: StateAlarm, wantRuns: 1},
		{name: "two of three above", periods: 3, toAlarm: 3, loads: []float64{80, 10, 85}, tasks: 2, wantState: StateOK},
		{name: "two of three, two to alarm", periods: 3, toAlarm: 2, loads: []float64{80, 10, 85}, tasks: 2, wantState: StateAlarm, wantRuns: 1},
		{name: "stays in alarm, acts again", periods: 1, toAlarm: 1, loads: []float64{80, 90, 85}, tasks: 2, wantState: StateAlarm, wantRuns: 3},
		{name: "below", periods: 2, toAlarm: 2, loads: []float64{1, 2}, tasks: 2, wantState: StateOK},
		{name: "no tasks", periods: 2, toAlarm: 2, loads: []float64{90, 90}, tasks: 0, wantState: StateInsufficient},
		{name: "no tasks, breaching", periods: 2, toAlarm: 2, loads: []float64{90, 90}, tasks: 0, missing: MissingBreaching, wantState: StateAlarm, wantRuns: 1},
		{name: "no tasks, not breaching", periods: 2, toAlarm: 2, loads: []float64{90, 90}, tasks: 0, missing: MissingNotBreaches, wantState: StateOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, l, p, clk := newService(t, "")
			l.tasks = tt.tasks
			in := cpuAlarm("high", 70, tt.periods, tt.toAlarm)
			in.TreatMissingData = tt.missing
			if _, err := s.PutMetricAlarm(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Reconcile(clk.Now()); err != nil { // starts the evaluation
				t.Fatal(err)
			}
			for _, v := range tt.loads {
				l.set(v)
				minutes(t, s, clk, 1)
			}
			if got := s.AlarmState("high"); got != tt.wantState {
				t.Errorf("state = %s, want %s", got, tt.wantState)
			}
			if len(p.runs) != tt.wantRuns {
				t.Errorf("policy runs = %q, want %d", p.runs, tt.wantRuns)
			}
		})
	}
}

func TestSetByHandHoldsUntilNextEvaluation(t *testing.T) {
	s, l, p, clk := newService(t, "")
	ctx := context.Background()
	in := cpuAlarm("high", 70, 1, 1)
	in.Period = ecs.Ptr(300)
	if _, err := s.PutMetricAlarm(ctx, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reconcile(clk.Now()); err != nil {
		t.Fatal(err)
	}
	l.set(5)
	minutes(t, s, clk, 5)
	if got := s.AlarmState("high"); got != StateOK {
		t.Fatalf("state = %s after a quiet period, want OK", got)
	}
	if _, err := s.SetAlarmState(ctx, &SetAlarmStateInput{AlarmName: "high", StateValue: StateAlarm, StateReason: "rehearsal"}); err != nil {
		t.Fatal(err)
	}
	if len(p.runs) != 1 {
		t.Fatalf("a transition to ALARM by hand ran %q, want the policy once", p.runs)
	}
	minutes(t, s, clk, 4)
	if got := s.AlarmState("high"); got != StateAlarm {
		t.Fatalf("state = %s within the period, want the hand-set ALARM held", got)
	}
	minutes(t, s, clk, 1)
	if got := s.AlarmState("high"); got != StateOK {
		t.Fatalf("state = %s after the next evaluation, want OK", got)
	}
	out, err := s.DescribeAlarmHistory(ctx, &DescribeAlarmHistoryInput{AlarmName: "high", HistoryItemType: "StateUpdate"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range out.AlarmHistoryItems {
		got = append(got, h.HistorySummary)
	}
	want := "Alarm updated from ALARM to OK|Alarm updated from OK to ALARM|Alarm updated from INSUFFICIENT_DATA to OK"
	if strings.Join(got, "|") != want {
		t.Errorf("history = %q, want %q", got, want)
	}
}

func TestAPIErrorsAndRestart(t *testing.T) {
	dir := t.TempDir()
	s, _, _, _ := newService(t, dir)
	ctx := context.Background()
	if _, err := s.PutMetricAlarm(ctx, cpuAlarm("high", 70, 3, 2)); err != nil {
		t.Fatal(err)
	}
	bad := cpuAlarm("x", 70, 2, 3)
	noPeriod := cpuAlarm("y", 70, 1, 1)
	noPeriod.Period = nil
	odd := cpuAlarm("z", 70, 1, 1)
	odd.Period = ecs.Ptr(45)
	for _, tc := range []struct {
		err  error
		code string
	}{
		{err: second(s.PutMetricAlarm(ctx, bad)), code: CodeInvalidParameter},
		{err: second(s.PutMetricAlarm(ctx, noPeriod)), code: CodeMissingParameter},
		{err: second(s.PutMetricAlarm(ctx, odd)), code: CodeInvalidParameter},
		{err: second(s.SetAlarmState(ctx, &SetAlarmStateInput{AlarmName: "nope", StateValue: StateAlarm, StateReason: "r"})), code: CodeNotFound},
		{err: second(s.SetAlarmState(ctx, &SetAlarmStateInput{AlarmName: "high", StateValue: "RED", StateReason: "r"})), code: CodeInvalidParameter},
		{err: second(s.SetAlarmState(ctx, &SetAlarmStateInput{AlarmName: "high", StateValue: StateOK, StateReason: "r", StateReasonData: "{"})), code: CodeInvalidFormat},
		{err: second(s.DeleteAlarms(ctx, &DeleteAlarmsInput{AlarmNames: []string{"high", "nope"}})), code: CodeNotFound},
	} {
		var e *ecs.Error
		if !errors.As(tc.err, &e) || e.Code != tc.code {
			t.Errorf("err = %v, want %s", tc.err, tc.code)
		}
	}
	if _, err := s.SetByHand(ctx, &SetAlarmStateInput{AlarmName: "deploy-guard", StateValue: StateAlarm}); err != nil {
		t.Fatal(err)
	}
	s2, _, _, _ := newService(t, dir)
	if got := s2.AlarmState("deploy-guard"); got != StateAlarm {
		t.Errorf("after a restart deploy-guard is %q, want ALARM", got)
	}
	if got := s2.AlarmState("unknown"); got != "" {
		t.Errorf("an unknown alarm is %q, want \"\"", got)
	}
	out, err := s2.DescribeAlarms(ctx, &DescribeAlarmsInput{AlarmNamePrefix: "hi"})
	if err != nil || len(out.MetricAlarms) != 1 || *out.MetricAlarms[0].DatapointsToAlarm != 2 {
		t.Fatalf("DescribeAlarms after a restart = %+v, %v", out, err)
	}
	if _, err := s2.DeleteAlarms(ctx, &DeleteAlarmsInput{AlarmNames: []string{"high"}}); err != nil {
		t.Fatal(err)
	}
	if s2.AlarmState("high") != "" {
		t.Error("a deleted alarm still has a state")
	}
}

func second[T any](_ T, err error) error { return err }
