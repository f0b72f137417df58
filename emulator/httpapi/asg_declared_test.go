package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

// stableASGARN is the group "asg"'s ARN: uuid5(NAMESPACE_URL,
// "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroupName/asg"), as Python's
// uuid module and Terraform's uuidv5("url", ...) compute it.
const stableASGARN = "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:ed09eddc-3408-5376-b26c-cf6cd1461a7f:autoScalingGroupName/asg"

// One Terraform configuration declares cluster, capacity provider and association
// before the Auto Scaling group exists; the group made afterwards joins them.
func TestASGDeclaredBeforeItExists(t *testing.T) {
	for _, tc := range []struct{ name, ref string }{
		{"stable ARN", stableASGARN},
		{"ARN with another UUID", "arn:aws:autoscaling:us-east-1::autoScalingGroup:00000000-0000-0000-0000-000000000000:autoScalingGroupName/asg"},
		{"name", "asg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.createCluster(t, "c")
			must[*sdkecs.CreateCapacityProviderOutput](t)(e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
				Name: aws.String("cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(tc.ref)}}))
			must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
				Cluster: aws.String("c"), CapacityProviders: []string{"cp"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}))
			_, err := e.ecs.CreateCapacityProvider(ctx(t), &sdkecs.CreateCapacityProviderInput{
				Name: aws.String("cp2"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(stableASGARN)}})
			assertAPIError(t, err, "ClientException", "already being used by another capacity provider")

			asg, err := e.emu.CreateASG(context.Background(), emulator.ASGRequest{Name: "asg"}) // no cluster named
			if err != nil {
				t.Fatalf("CreateASG: %v", err)
			}
			if asg.ARN != stableASGARN || asg.Cluster != "c" || asg.CapacityProvider != "cp" {
				t.Fatalf("group %s in cluster %q of provider %q; want %s in c of cp", asg.ARN, asg.Cluster, asg.CapacityProvider, stableASGARN)
			}
		})
	}
}
