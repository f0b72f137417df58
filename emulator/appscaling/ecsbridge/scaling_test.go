package ecsbridge_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"

	"github.com/ecsmini/ecsmini/emulator/appscaling/ecsbridge"
	"github.com/ecsmini/ecsmini/emulator/events"
)

const webID = "service/default/web"

func (e *env) register(t *testing.T, id string, lo, hi int32) {
	t.Helper()
	if _, err := e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String(id), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		MinCapacity: aws.Int32(lo), MaxCapacity: aws.Int32(hi)}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) activities(t *testing.T, id string) []types.ScalingActivity {
	t.Helper()
	out, err := e.aas.DescribeScalingActivities(e.ctx, &aas.DescribeScalingActivitiesInput{ServiceNamespace: types.ServiceNamespaceEcs, ResourceId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return out.ScalingActivities
}

// A declared CPU load (one CPU burnt for ten minutes by each task of 256 CPU units)
// makes a CPU target tracking policy scale the service out after three datapoints
// above the target, and back in after fifteen below 90 % of it once the load is gone.
func TestDeclaredCPULoadScalesOutAndBackIn(t *testing.T) {
	e := newEnv(t)
	e.service(t, "web", 1, map[string]string{"ecsmini.sim/burn-cpu": "10m"})
	e.register(t, webID, 1, 4)
	out, err := e.aas.PutScalingPolicy(e.ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu50"), ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String(webID), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, PolicyType: types.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(60), ScaleInCooldown: aws.Int32(60)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Alarms) != 2 || !strings.HasPrefix(*out.Alarms[0].AlarmName, "TargetTracking-service/default/web-AlarmHigh-") ||
		!strings.HasPrefix(*out.Alarms[1].AlarmName, "TargetTracking-service/default/web-AlarmLow-") {
		t.Fatalf("alarms %+v", out.Alarms)
	}
	e.settle(t) // the baseline sample
	e.advance(t, 2*time.Minute)
	if got := e.described(t, "web").DesiredCount; got != 1 {
		t.Fatalf("after two datapoints above the target, desired %d, want 1", got)
	}
	e.advance(t, time.Minute)
	s := e.described(t, "web")
	if s.DesiredCount != 4 {
		t.Fatalf("after three datapoints above the target, desired %d, want 4 (the maximum)", s.DesiredCount)
	}
	if len(s.Events) < 2 || !strings.Contains(s.Events[1].Message, "(service web) desired count set to 4 by Application Auto Scaling: monitor alarm") {
		t.Fatalf("service events (want the scaling before the tasks it started) %+v", s.Events)
	}
	acts := e.activities(t, webID)
	if len(acts) != 1 || *acts[0].Description != "Setting desired count to 4." || acts[0].StatusCode != types.ScalingActivityStatusCodeSuccessful ||
		!strings.Contains(*acts[0].Cause, "-AlarmHigh-") || !strings.HasSuffix(*acts[0].Cause, "in state ALARM triggered policy cpu50") ||
		*acts[0].StatusMessage != "Successfully set desired count to 4. Change successfully fulfilled by ecs." {
		t.Fatalf("activities %+v", acts)
	}
	// Every task burns for ten minutes from its start; then fifteen quiet minutes.
	e.advance(t, 10*time.Minute)
	if got := e.described(t, "web").DesiredCount; got != 4 {
		t.Fatalf("desired %d while loaded, want 4", got)
	}
	e.advance(t, 16*time.Minute)
	if got := e.described(t, "web").DesiredCount; got != 1 {
		t.Fatalf("desired %d after the load went, want 1", got)
	}
	acts = e.activities(t, webID)
	if len(acts) != 2 || *acts[0].Description != "Setting desired count to 1." || !strings.Contains(*acts[0].Cause, "-AlarmLow-") {
		t.Fatalf("activities %+v", acts)
	}
	var changes []string
	for _, ev := range e.emu.Events().History(events.Filter{}, 0) {
		if ev.DetailType == ecsbridge.DetailType && ev.Source == ecsbridge.Source {
			changes = append(changes, string(ev.Detail))
		}
	}
	if len(changes) != 2 || !strings.Contains(changes[0], `"newDesiredCapacity":4`) || !strings.Contains(changes[1], `"newDesiredCapacity":1`) {
		t.Fatalf("scaling events %v", changes)
	}
}

// A scheduled action raises the minimum at its time, and the desired count follows.
func TestScheduledActionChangesDesiredCountAtItsTime(t *testing.T) {
	e := newEnv(t)
	e.service(t, "web", 1, nil)
	e.register(t, webID, 1, 5)
	at := testStart.Add(10 * time.Minute).Format("2006-01-02T15:04:05")
	if _, err := e.aas.PutScheduledAction(e.ctx, &aas.PutScheduledActionInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String(webID), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount, ScheduledActionName: aws.String("morning"),
		Schedule: aws.String("at(" + at + ")"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(3), MaxCapacity: aws.Int32(5)}}); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	e.clock.Advance(10*time.Minute - time.Second)
	e.settle(t)
	if got := e.described(t, "web").DesiredCount; got != 1 {
		t.Fatalf("a second before the action: desired %d, want 1", got)
	}
	e.clock.Advance(time.Second)
	e.settle(t)
	s := e.described(t, "web")
	if s.DesiredCount != 3 || s.RunningCount != 3 {
		t.Fatalf("at the action's time: desired %d running %d, want 3 and 3", s.DesiredCount, s.RunningCount)
	}
	acts := e.activities(t, webID)
	if len(acts) != 2 || *acts[1].Description != "Setting min capacity to 3 and max capacity to 5" || *acts[1].Cause != "scheduled action name morning was triggered" ||
		*acts[0].Description != "Setting desired count to 3." || *acts[0].Cause != "minimum capacity was set to 3" {
		t.Fatalf("activities %+v", acts)
	}
	tg, err := e.aas.DescribeScalableTargets(e.ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil || len(tg.ScalableTargets) != 1 || *tg.ScalableTargets[0].MinCapacity != 3 {
		t.Fatalf("targets %+v %v", tg, err)
	}
}
