package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const asgARN = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:uuid:autoScalingGroupName/"

func asgProvider(name string, scaling types.ManagedScalingStatus) *sdkecs.CreateCapacityProviderInput {
	return &sdkecs.CreateCapacityProviderInput{
		Name: aws.String(name),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
			AutoScalingGroupArn: aws.String(asgARN + name),
			ManagedScaling:      &types.ManagedScaling{Status: scaling},
		},
	}
}

func (e *env) createProvider(t testing.TB, name string, scaling types.ManagedScalingStatus) *types.CapacityProvider {
	t.Helper()
	return must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), asgProvider(name, scaling))).CapacityProvider
}

func TestCreateCapacityProvider(t *testing.T) {
	e := newEnv(t)
	in := asgProvider("asg1", types.ManagedScalingStatusEnabled)
	in.AutoScalingGroupProvider.ManagedTerminationProtection = types.ManagedTerminationProtectionEnabled
	in.Tags = []types.Tag{tag("env", "dev")}
	cp := must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), in)).CapacityProvider
	asg := cp.AutoScalingGroupProvider
	ms := asg.ManagedScaling
	if aws.ToString(cp.CapacityProviderArn) != arn("capacity-provider/asg1") || string(cp.Status) != "ACTIVE" || cp.Type != types.CapacityProviderTypeEc2Autoscaling {
		t.Fatalf("provider = %s %s %s", aws.ToString(cp.CapacityProviderArn), string(cp.Status), cp.Type)
	}
	if ms.Status != types.ManagedScalingStatusEnabled || aws.ToInt32(ms.TargetCapacity) != 100 || aws.ToInt32(ms.MinimumScalingStepSize) != 1 ||
		aws.ToInt32(ms.MaximumScalingStepSize) != 10000 || aws.ToInt32(ms.InstanceWarmupPeriod) != 300 {
		t.Fatalf("managed scaling defaults = %+v", ms)
	}
	if asg.ManagedDraining != types.ManagedDrainingEnabled || asg.ManagedTerminationProtection != types.ManagedTerminationProtectionEnabled {
		t.Fatalf("draining %s protection %s", asg.ManagedDraining, asg.ManagedTerminationProtection)
	}
	if tagMap(cp.Tags)["env"] != "dev" {
		t.Fatalf("tags = %v", tagMap(cp.Tags))
	}

	badName := `The specified capacity provider name is invalid. Up to 255 characters are allowed, including letters (upper and lowercase), numbers, underscores, and hyphens. The name cannot be prefixed with "aws", "ecs", or "fargate". Specify a valid name and try again.`
	withASG := func(name, asgName string, mut func(*types.AutoScalingGroupProvider)) *sdkecs.CreateCapacityProviderInput {
		in := asgProvider(name, types.ManagedScalingStatusDisabled)
		in.AutoScalingGroupProvider.AutoScalingGroupArn = aws.String(asgARN + asgName)
		if mut != nil {
			mut(in.AutoScalingGroupProvider)
		}
		return in
	}
	for _, tc := range []struct {
		name      string
		in        *sdkecs.CreateCapacityProviderInput
		code, msg string
	}{
		{"invalid characters", withASG("a b", "x", nil), "ClientException", badName},
		{"prefix fargate", withASG("FargateMine", "x", nil), "ClientException", badName},
		{"prefix ecs any case", withASG("EcsCp", "x", nil), "ClientException", badName},
		{"prefix aws", withASG("aws-cp", "x", nil), "ClientException", badName},
		{"name exists", withASG("asg1", "other", nil), "ClientException", "The specified capacity provider already exists. To change the configuration of an existing capacity provider, update the capacity provider."},
		{"ASG already used", withASG("asg2", "asg1", nil), "ClientException", "The specified Auto Scaling group ARN is already being used by another capacity provider. Specify a unique Auto Scaling group ARN and try again."},
		{"termination protection needs managed scaling", withASG("asg3", "asg3", func(a *types.AutoScalingGroupProvider) {
			a.ManagedTerminationProtection = types.ManagedTerminationProtectionEnabled
		}), "ClientException", "To enable managed termination protection for a capacity provider, managed scaling must be enabled."},
		{"target capacity 0", withASG("asg4", "asg4", func(a *types.AutoScalingGroupProvider) { a.ManagedScaling.TargetCapacity = aws.Int32(0) }), "InvalidParameterException", "target capacity is invalid"},
		{"target capacity 101", withASG("asg4", "asg4", func(a *types.AutoScalingGroupProvider) { a.ManagedScaling.TargetCapacity = aws.Int32(101) }), "InvalidParameterException", "target capacity is invalid"},
		{"min step above max", withASG("asg4", "asg4", func(a *types.AutoScalingGroupProvider) {
			a.ManagedScaling.MinimumScalingStepSize, a.ManagedScaling.MaximumScalingStepSize = aws.Int32(5), aws.Int32(2)
		}), "InvalidParameterException", "minimum step size cannot be greater"},
		{"warmup too long", withASG("asg4", "asg4", func(a *types.AutoScalingGroupProvider) { a.ManagedScaling.InstanceWarmupPeriod = aws.Int32(10001) }), "InvalidParameterException", "warmup period is invalid"},
		{"reserved tag", &sdkecs.CreateCapacityProviderInput{Name: aws.String("asg5"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asgARN + "asg5")}, Tags: []types.Tag{tag("AWS:x", "y")}}, "InvalidParameterException", "reserved"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.CreateCapacityProvider(ctx(t), tc.in)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestDescribeCapacityProviders(t *testing.T) {
	e := newEnv(t)
	want := []string{"FARGATE", "FARGATE_SPOT"}
	for i := range 13 {
		name := fmt.Sprintf("cp%02d", i)
		e.createProvider(t, name, types.ManagedScalingStatusDisabled)
		want = append(want, name)
	}
	for _, max := range []int32{1, 4, 10} {
		t.Run(fmt.Sprintf("all, maxResults=%d", max), func(t *testing.T) {
			got, _ := collectPages(t, 20, func(tok *string) ([]string, *string, error) {
				out, err := e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(max), NextToken: tok})
				if err != nil {
					return nil, nil, err
				}
				var names []string
				for _, cp := range out.CapacityProviders {
					names = append(names, aws.ToString(cp.Name))
				}
				return names, out.NextToken, nil
			})
			assertSameList(t, got, want)
		})
	}
	t.Run("by name and ARN with missing", func(t *testing.T) {
		out := must[*sdkecs.DescribeCapacityProvidersOutput](t)(e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{
			CapacityProviders: []string{"FARGATE_SPOT", arn("capacity-provider/cp03"), "ghost"},
		}))
		if len(out.CapacityProviders) != 2 || aws.ToString(out.CapacityProviders[1].Name) != "cp03" || out.CapacityProviders[0].Type != types.CapacityProviderTypeFargateSpot {
			t.Fatalf("providers = %+v", out.CapacityProviders)
		}
		if len(out.Failures) != 1 || aws.ToString(out.Failures[0].Arn) != arn("capacity-provider/ghost") || aws.ToString(out.Failures[0].Reason) != "MISSING" {
			t.Fatalf("failures = %+v", out.Failures)
		}
	})
	for _, tc := range []struct {
		name string
		in   sdkecs.DescribeCapacityProvidersInput
	}{
		{"maxResults 11", sdkecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(11)}},
		{"maxResults 0", sdkecs.DescribeCapacityProvidersInput{MaxResults: aws.Int32(0)}},
		{"bad token", sdkecs.DescribeCapacityProvidersInput{NextToken: aws.String("%%%")}},
		{"bad include", sdkecs.DescribeCapacityProvidersInput{Include: []types.CapacityProviderField{"SETTINGS"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.DescribeCapacityProviders(ctx(t), &tc.in)
			assertAPIError(t, err, "InvalidParameterException", "")
		})
	}
}

func TestUpdateCapacityProvider(t *testing.T) {
	e := newEnv(t)
	e.createProvider(t, "up", types.ManagedScalingStatusDisabled)
	out := must[*sdkecs.UpdateCapacityProviderOutput](t)(e.ecs.UpdateCapacityProvider(ctx(t), &sdkecs.UpdateCapacityProviderInput{
		Name: aws.String("up"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{
			ManagedScaling:  &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(80)},
			ManagedDraining: types.ManagedDrainingDisabled,
		},
	}))
	// ECS answers with the provider as it was, the update in progress.
	if out.CapacityProvider.UpdateStatus != types.CapacityProviderUpdateStatusUpdateInProgress ||
		out.CapacityProvider.AutoScalingGroupProvider.ManagedScaling.Status != types.ManagedScalingStatusDisabled {
		t.Fatalf("update response = %+v", out.CapacityProvider)
	}
	desc := must[*sdkecs.DescribeCapacityProvidersOutput](t)(e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"up"}}))
	cp := desc.CapacityProviders[0]
	if cp.UpdateStatus != types.CapacityProviderUpdateStatusUpdateComplete || aws.ToInt32(cp.AutoScalingGroupProvider.ManagedScaling.TargetCapacity) != 80 ||
		cp.AutoScalingGroupProvider.ManagedDraining != types.ManagedDrainingDisabled {
		t.Fatalf("after update = %+v %+v", cp, cp.AutoScalingGroupProvider.ManagedScaling)
	}
	upd := func(name string) *sdkecs.UpdateCapacityProviderInput {
		return &sdkecs.UpdateCapacityProviderInput{Name: aws.String(name), AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{ManagedDraining: types.ManagedDrainingEnabled}}
	}
	for _, tc := range []struct {
		name      string
		in        *sdkecs.UpdateCapacityProviderInput
		code, msg string
	}{
		{"FARGATE reserved", upd("FARGATE"), "ClientException", "The specified capacity provider is reserved and cannot be modified or deleted."},
		{"unknown", upd("ghost"), "ClientException", "The specified capacity provider does not exist."},
		{"bad target", &sdkecs.UpdateCapacityProviderInput{Name: aws.String("up"), AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{
			ManagedScaling: &types.ManagedScaling{TargetCapacity: aws.Int32(0)}}}, "InvalidParameterException", "target capacity is invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.UpdateCapacityProvider(ctx(t), tc.in)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestDeleteCapacityProvider(t *testing.T) {
	e := newEnv(t)
	e.createProvider(t, "del", types.ManagedScalingStatusDisabled)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("holder"), CapacityProviders: []string{"del"}}))

	failed := must[*sdkecs.DeleteCapacityProviderOutput](t)(e.ecs.DeleteCapacityProvider(ctx(t), &sdkecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("del")})).CapacityProvider
	if failed.UpdateStatus != types.CapacityProviderUpdateStatusDeleteFailed || string(failed.Status) != "ACTIVE" ||
		aws.ToString(failed.UpdateStatusReason) != "The capacity provider cannot be deleted because it is associated with cluster: holder. Remove the capacity provider from the cluster and try again." {
		t.Fatalf("delete while associated = %s %s %q", string(failed.Status), failed.UpdateStatus, aws.ToString(failed.UpdateStatusReason))
	}
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("holder"), CapacityProviders: []string{}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{},
	}))
	gone := must[*sdkecs.DeleteCapacityProviderOutput](t)(e.ecs.DeleteCapacityProvider(ctx(t), &sdkecs.DeleteCapacityProviderInput{CapacityProvider: aws.String(arn("capacity-provider/del"))})).CapacityProvider
	if gone.UpdateStatus != types.CapacityProviderUpdateStatusDeleteInProgress {
		t.Fatalf("delete response updateStatus = %s", gone.UpdateStatus)
	}
	desc := must[*sdkecs.DescribeCapacityProvidersOutput](t)(e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"del"}}))
	if len(desc.CapacityProviders) != 1 || string(desc.CapacityProviders[0].Status) != "INACTIVE" {
		t.Fatalf("after delete = %+v", desc)
	}
	// The name and the group are free again.
	e.createProvider(t, "del", types.ManagedScalingStatusDisabled)

	for _, tc := range []struct{ name, ref, code, msg string }{
		{"FARGATE", "FARGATE", "ClientException", "reserved"},
		{"FARGATE_SPOT by ARN", arn("capacity-provider/FARGATE_SPOT"), "ClientException", "reserved"},
		{"unknown", "ghost", "ClientException", "The specified capacity provider does not exist. Specify a valid name or ARN and try again."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.DeleteCapacityProvider(ctx(t), &sdkecs.DeleteCapacityProviderInput{CapacityProvider: aws.String(tc.ref)})
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestCapacityProviderOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	e.createProvider(t, "ours", types.ManagedScalingStatusDisabled)
	foreign := "arn:aws:ecs:us-east-1:111111111111:capacity-provider/ours"
	out := must[*sdkecs.DescribeCapacityProvidersOutput](t)(e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{CapacityProviders: []string{foreign}}))
	if len(out.CapacityProviders) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" || aws.ToString(out.Failures[0].Arn) != foreign {
		t.Fatalf("describe another account's provider: %+v", out)
	}
	_, err := e.ecs.DeleteCapacityProvider(ctx(t), &sdkecs.DeleteCapacityProviderInput{CapacityProvider: aws.String(foreign)})
	assertAPIError(t, err, "ClientException", "does not exist")
	_, err = e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("c"), CapacityProviders: []string{foreign}})
	assertAPIError(t, err, "InvalidParameterException", "was not found")
}

// A token of another listing is refused rather than silently restarting the listing.
func TestDescribeCapacityProvidersForeignToken(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "a")
	e.createCluster(t, "b")
	l := must[*sdkecs.ListClustersOutput](t)(e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{MaxResults: aws.Int32(1)}))
	_, err := e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{NextToken: l.NextToken})
	assertAPIError(t, err, "InvalidParameterException", "nextToken")
}
