package ecsbridge_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

var (
	ns  = types.ServiceNamespaceEcs
	dim = types.ScalableDimensionECSServiceDesiredCount
)

func TestScalableTargetLifecycle(t *testing.T) {
	e := newEnv(t)
	e.service(t, "web", 1, nil)
	reg, err := e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(3), Tags: map[string]string{"team": "web"}})
	if err != nil {
		t.Fatal(err)
	}
	// Re-registering updates what is given and keeps the rest.
	if _, err := e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, MaxCapacity: aws.Int32(6), SuspendedState: &types.SuspendedState{DynamicScalingInSuspended: aws.Bool(true)}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.aas.DescribeScalableTargets(e.ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: ns, ResourceIds: []string{webID}})
	if err != nil || len(out.ScalableTargets) != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	st := out.ScalableTargets[0]
	if *st.MinCapacity != 1 || *st.MaxCapacity != 6 || *st.ScalableTargetARN != *reg.ScalableTargetARN || st.CreationTime == nil ||
		!*st.SuspendedState.DynamicScalingInSuspended || *st.SuspendedState.DynamicScalingOutSuspended ||
		*st.RoleARN != "arn:aws:iam::000000000000:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService" {
		t.Fatalf("target %+v", st)
	}
	tags, err := e.aas.ListTagsForResource(e.ctx, &aas.ListTagsForResourceInput{ResourceARN: reg.ScalableTargetARN})
	if err != nil || tags.Tags["team"] != "web" {
		t.Fatalf("tags %+v %v", tags, err)
	}
	if _, err := e.aas.TagResource(e.ctx, &aas.TagResourceInput{ResourceARN: reg.ScalableTargetARN, Tags: map[string]string{"env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.aas.UntagResource(e.ctx, &aas.UntagResourceInput{ResourceARN: reg.ScalableTargetARN, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = e.aas.ListTagsForResource(e.ctx, &aas.ListTagsForResourceInput{ResourceARN: reg.ScalableTargetARN})
	if len(tags.Tags) != 1 || tags.Tags["env"] != "dev" {
		t.Fatalf("tags after tag and untag %+v", tags.Tags)
	}
	// A minimum above the desired count scales the service up to it.
	if _, err := e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, MinCapacity: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
	if got := e.described(t, "web").DesiredCount; got != 2 {
		t.Fatalf("desired %d after the minimum became 2", got)
	}
	if acts := e.activities(t, webID); len(acts) != 1 || *acts[0].Cause != "minimum capacity was set to 2" {
		t.Fatalf("activities %+v", acts)
	}
	if _, err := e.aas.DeregisterScalableTarget(e.ctx, &aas.DeregisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID), ScalableDimension: dim}); err != nil {
		t.Fatal(err)
	}
	out, _ = e.aas.DescribeScalableTargets(e.ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: ns})
	if len(out.ScalableTargets) != 0 {
		t.Fatalf("after deregistering: %+v", out.ScalableTargets)
	}
}

func TestErrors(t *testing.T) {
	e := newEnv(t)
	e.service(t, "web", 1, nil)
	_, err := e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String("service/default/nope"),
		ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)})
	wantAPIError(t, err, "ValidationException", "ECS service doesn't exist: service/default/nope")
	_, err = e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, MinCapacity: aws.Int32(3), MaxCapacity: aws.Int32(2)})
	wantAPIError(t, err, "ValidationException", "Minimum capacity cannot be greater than maximum capacity")
	_, err = e.aas.RegisterScalableTarget(e.ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String("web"),
		ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)})
	wantAPIError(t, err, "ValidationException", "Unsupported resource ID web")
	_, err = e.aas.PutScalingPolicy(e.ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(50), PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageCPUUtilization}}})
	wantAPIError(t, err, "ObjectNotFoundException", "No scalable target registered for service namespace: ecs, resource ID: service/default/web, scalable dimension: ecs:service:DesiredCount")
	e.register(t, webID, 1, 3)
	_, err = e.aas.PutScalingPolicy(e.ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
			TargetValue: aws.Float64(50), PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeALBRequestCountPerTarget}}})
	wantAPIError(t, err, "ValidationException", "ResourceLabel is required")
	_, err = e.aas.DeleteScalingPolicy(e.ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("nope"), ServiceNamespace: ns, ResourceId: aws.String(webID), ScalableDimension: dim})
	wantAPIError(t, err, "ObjectNotFoundException", "No scaling policy found")
	_, err = e.aas.PutScheduledAction(e.ctx, &aas.PutScheduledActionInput{ScheduledActionName: aws.String("a"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, Schedule: aws.String("every day"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}})
	wantAPIError(t, err, "ValidationException", "Unsupported schedule format")
	_, err = e.aas.PutScheduledAction(e.ctx, &aas.PutScheduledActionInput{ScheduledActionName: aws.String("a"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, Schedule: aws.String("cron(0 9 * * ? *)"), Timezone: aws.String("Mars/Olympus"), ScalableTargetAction: &types.ScalableTargetAction{MinCapacity: aws.Int32(1)}})
	wantAPIError(t, err, "ValidationException", "Invalid timezone")
	_, err = e.aas.ListTagsForResource(e.ctx, &aas.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "No scalable target found")
	_, err = e.aas.DescribeScalableTargets(e.ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: ns, NextToken: aws.String("zzz")})
	wantAPIError(t, err, "InvalidNextTokenException", "Invalid token")
}

// Policies and scheduled actions are listed, replaced, deleted, and survive a restart
// (the state directory reopened); deregistering a target takes them with it.
func TestPoliciesAndActionsPersist(t *testing.T) {
	e := newEnv(t)
	e.service(t, "web", 1, nil)
	e.register(t, webID, 1, 10)
	put := func(name string, target float64) *aas.PutScalingPolicyOutput {
		out, err := e.aas.PutScalingPolicy(e.ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String(name), ServiceNamespace: ns, ResourceId: aws.String(webID),
			ScalableDimension: dim, PolicyType: types.PolicyTypeTargetTrackingScaling, TargetTrackingScalingPolicyConfiguration: &types.TargetTrackingScalingPolicyConfiguration{
				TargetValue: aws.Float64(target), PredefinedMetricSpecification: &types.PredefinedMetricSpecification{PredefinedMetricType: types.MetricTypeECSServiceAverageMemoryUtilization}}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	first := put("mem", 70)
	again := put("mem", 60)
	if *again.PolicyARN != *first.PolicyARN || *again.Alarms[0].AlarmName != *first.Alarms[0].AlarmName {
		t.Fatalf("replacing a policy changed its ARN or alarms: %+v %+v", first, again)
	}
	if _, err := e.aas.PutScalingPolicy(e.ctx, &aas.PutScalingPolicyInput{PolicyName: aws.String("steps"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, PolicyType: types.PolicyTypeStepScaling, StepScalingPolicyConfiguration: &types.StepScalingPolicyConfiguration{
			AdjustmentType: types.AdjustmentTypeChangeInCapacity, Cooldown: aws.Int32(60), MetricAggregationType: types.MetricAggregationTypeAverage,
			StepAdjustments: []types.StepAdjustment{{MetricIntervalLowerBound: aws.Float64(0), ScalingAdjustment: aws.Int32(2)}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.aas.PutScheduledAction(e.ctx, &aas.PutScheduledActionInput{ScheduledActionName: aws.String("nightly"), ServiceNamespace: ns, ResourceId: aws.String(webID),
		ScalableDimension: dim, Schedule: aws.String("cron(0 22 ? * MON-FRI *)"), Timezone: aws.String("Europe/Paris"),
		ScalableTargetAction: &types.ScalableTargetAction{MaxCapacity: aws.Int32(2)}}); err != nil {
		t.Fatal(err)
	}
	e.open(t, nil) // a restart: the state is read back from the directory
	pols, err := e.aas.DescribeScalingPolicies(e.ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: ns, ResourceId: aws.String(webID)})
	if err != nil || len(pols.ScalingPolicies) != 2 {
		t.Fatalf("%+v %v", pols, err)
	}
	if p := pols.ScalingPolicies[0]; *p.PolicyName != "mem" || *p.TargetTrackingScalingPolicyConfiguration.TargetValue != 60 || len(p.Alarms) != 2 {
		t.Fatalf("policy %+v", p)
	}
	if p := pols.ScalingPolicies[1]; p.PolicyType != types.PolicyTypeStepScaling || *p.StepScalingPolicyConfiguration.StepAdjustments[0].ScalingAdjustment != 2 {
		t.Fatalf("policy %+v", p)
	}
	page, err := e.aas.DescribeScalingPolicies(e.ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: ns, MaxResults: aws.Int32(1)})
	if err != nil || len(page.ScalingPolicies) != 1 || page.NextToken == nil {
		t.Fatalf("first page %+v %v", page, err)
	}
	acts, err := e.aas.DescribeScheduledActions(e.ctx, &aas.DescribeScheduledActionsInput{ServiceNamespace: ns})
	if err != nil || len(acts.ScheduledActions) != 1 || *acts.ScheduledActions[0].Timezone != "Europe/Paris" || *acts.ScheduledActions[0].Schedule != "cron(0 22 ? * MON-FRI *)" {
		t.Fatalf("%+v %v", acts, err)
	}
	if _, err := e.aas.DeleteScheduledAction(e.ctx, &aas.DeleteScheduledActionInput{ScheduledActionName: aws.String("nightly"), ServiceNamespace: ns, ResourceId: aws.String(webID), ScalableDimension: dim}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.aas.DeleteScalingPolicy(e.ctx, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("mem"), ServiceNamespace: ns, ResourceId: aws.String(webID), ScalableDimension: dim}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.aas.DeregisterScalableTarget(e.ctx, &aas.DeregisterScalableTargetInput{ServiceNamespace: ns, ResourceId: aws.String(webID), ScalableDimension: dim}); err != nil {
		t.Fatal(err)
	}
	e.register(t, webID, 1, 10)
	pols, _ = e.aas.DescribeScalingPolicies(e.ctx, &aas.DescribeScalingPoliciesInput{ServiceNamespace: ns})
	if len(pols.ScalingPolicies) != 0 {
		t.Fatalf("a re-registered target kept the old policies: %+v", pols.ScalingPolicies)
	}
}
