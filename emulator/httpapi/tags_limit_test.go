package httpapi_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func manyTags(n int) []types.Tag {
	tags := make([]types.Tag, n)
	for i := range tags {
		tags[i] = tag(fmt.Sprintf("k%05d", i), "v")
	}
	return tags
}

// Every operation with a tags member (the API model's Tags shape, max 50) takes 50
// tags and refuses 51 with InvalidParameterException, before doing anything else.
func TestTagLimitOnEveryTaggingOperation(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "lim")
	e.register(t, "limtd")
	instance := e.registerInstance(t, "lim", "i-0000000000000limit", "m5.large", "us-east-1a")
	n := 0
	name := func() *string { n++; return aws.String(fmt.Sprintf("n%d", n)) }
	ops := map[string]func(ctx context.Context, tags []types.Tag) error{
		"CreateCluster": func(ctx context.Context, tags []types.Tag) error {
			_, err := e.ecs.CreateCluster(ctx, &sdkecs.CreateClusterInput{ClusterName: name(), Tags: tags})
			return err
		},
		"CreateCapacityProvider": func(ctx context.Context, tags []types.Tag) error {
			in := asgProvider(*name(), types.ManagedScalingStatusDisabled)
			in.Tags = tags
			_, err := e.ecs.CreateCapacityProvider(ctx, in)
			return err
		},
		"RegisterTaskDefinition": func(ctx context.Context, tags []types.Tag) error {
			in := minimalTaskDef("limtd")
			in.Tags = tags
			_, err := e.ecs.RegisterTaskDefinition(ctx, in)
			return err
		},
		"RunTask": func(ctx context.Context, tags []types.Tag) error {
			_, err := e.ecs.RunTask(ctx, &sdkecs.RunTaskInput{Cluster: aws.String("lim"), TaskDefinition: aws.String("limtd"), Tags: tags})
			return err
		},
		"StartTask": func(ctx context.Context, tags []types.Tag) error {
			_, err := e.ecs.StartTask(ctx, &sdkecs.StartTaskInput{Cluster: aws.String("lim"), TaskDefinition: aws.String("limtd"),
				ContainerInstances: []string{aws.ToString(instance.ContainerInstanceArn)}, Tags: tags})
			return err
		},
		"CreateService": func(ctx context.Context, tags []types.Tag) error {
			_, err := e.ecs.CreateService(ctx, &sdkecs.CreateServiceInput{Cluster: aws.String("lim"), ServiceName: name(),
				TaskDefinition: aws.String("limtd"), DesiredCount: aws.Int32(0), Tags: tags})
			return err
		},
		"RegisterContainerInstance": func(ctx context.Context, tags []types.Tag) error {
			_, err := e.ecs.RegisterContainerInstance(ctx, &sdkecs.RegisterContainerInstanceInput{Cluster: aws.String("lim"),
				InstanceIdentityDocument: aws.String(identity(t, fmt.Sprintf("i-%017d", n+1), "t3.micro", "us-east-1a")), Tags: tags})
			n++
			return err
		},
		"TagResource": func(ctx context.Context, tags []types.Tag) error {
			e.createCluster(t, "tagme"+fmt.Sprint(len(tags)))
			_, err := e.ecs.TagResource(ctx, &sdkecs.TagResourceInput{ResourceArn: aws.String(arn("cluster/tagme" + fmt.Sprint(len(tags)))), Tags: tags})
			return err
		},
	}
	for op, do := range ops {
		t.Run(op, func(t *testing.T) {
			if err := do(ctx(t), manyTags(50)); err != nil {
				t.Fatalf("50 tags: %v", err)
			}
			for _, count := range []int{51, 36000} {
				err := do(ctx(t), manyTags(count))
				assertAPIError(t, err, "InvalidParameterException", "The number of tags on the resource exceeds the limit of 50.")
			}
		})
	}
}
