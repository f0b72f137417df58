package httpapi_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func (e *env) tags(t testing.TB, resourceARN string) map[string]string {
	t.Helper()
	out := must[*sdkecs.ListTagsForResourceOutput](t)(e.ecs.ListTagsForResource(ctx(t), &sdkecs.ListTagsForResourceInput{ResourceArn: aws.String(resourceARN)}))
	return tagMap(out.Tags)
}

func TestTagsRoundTrip(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "tagged")
	e.createProvider(t, "tagcp", types.ManagedScalingStatusDisabled)
	e.register(t, "tagtd")
	for _, res := range []string{arn("cluster/tagged"), arn("capacity-provider/tagcp"), tdARN("tagtd", 1)} {
		t.Run(res, func(t *testing.T) {
			if got := e.tags(t, res); len(got) != 0 {
				t.Fatalf("new resource has tags %v", got)
			}
			must[*sdkecs.TagResourceOutput](t)(e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{tag("a", "1"), tag("b", ""), tag("c", "3")}}))
			must[*sdkecs.TagResourceOutput](t)(e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{tag("a", "overwritten")}}))
			must[*sdkecs.UntagResourceOutput](t)(e.ecs.UntagResource(ctx(t), &sdkecs.UntagResourceInput{ResourceArn: aws.String(res), TagKeys: []string{"c", "never-set"}}))
			got := e.tags(t, res)
			if len(got) != 2 || got["a"] != "overwritten" || got["b"] != "" {
				t.Fatalf("tags = %v", got)
			}
		})
	}
	// The tags show in the resources' own descriptions.
	c := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"tagged"}, Include: []types.ClusterField{types.ClusterFieldTags}}))
	td := must[*sdkecs.DescribeTaskDefinitionOutput](t)(e.describeTD("tagtd:1", types.TaskDefinitionFieldTags))
	cp := must[*sdkecs.DescribeCapacityProvidersOutput](t)(e.ecs.DescribeCapacityProviders(ctx(t), &sdkecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"tagcp"}, Include: []types.CapacityProviderField{types.CapacityProviderFieldTags}}))
	for name, tags := range map[string][]types.Tag{"cluster": c.Clusters[0].Tags, "task definition": td.Tags, "capacity provider": cp.CapacityProviders[0].Tags} {
		if tagMap(tags)["a"] != "overwritten" {
			t.Errorf("%s describe shows tags %v", name, tagMap(tags))
		}
	}
}

func TestTagLimits(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "lim")
	res := arn("cluster/lim")
	fifty := make([]types.Tag, 50)
	for i := range fifty {
		fifty[i] = tag(fmt.Sprintf("k%02d", i), "v")
	}
	must[*sdkecs.TagResourceOutput](t)(e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: fifty}))
	// Overwriting an existing key stays within the limit.
	must[*sdkecs.TagResourceOutput](t)(e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{tag("k00", "new")}}))
	for _, tc := range []struct {
		name string
		tags []types.Tag
		msg  string
	}{
		{"51st tag", []types.Tag{tag("one-more", "v")}, "exceeds the limit of 50"},
		{"key of 129", []types.Tag{tag(strings.Repeat("k", 129), "v")}, "Tag keys must be between 1 and 128 characters."},
		{"empty key", []types.Tag{tag("", "v")}, "Tag keys must be between 1 and 128 characters."},
		{"value of 257", []types.Tag{tag("k00", strings.Repeat("v", 257))}, "Tag values must be at most 256 characters."},
		{"aws: prefix", []types.Tag{tag("aws:ecs:clusterName", "v")}, "reserved"},
		{"AWS: prefix any case", []types.Tag{tag("AwS:thing", "v")}, "reserved"},
		{"bad characters", []types.Tag{tag("k00", "semi;colon")}, "Tag keys and values may contain only"},
		{"empty list", []types.Tag{}, "Tags can not be empty."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: tc.tags})
			assertAPIError(t, err, "InvalidParameterException", tc.msg)
		})
	}
	// 128-character keys, 256-character values and unicode letters are fine.
	must[*sdkecs.TagResourceOutput](t)(e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(res), Tags: []types.Tag{tag("k01", strings.Repeat("é", 256))}}))
	if got := e.tags(t, res); len(got) != 50 || got["k00"] != "new" {
		t.Fatalf("%d tags, k00=%q", len(got), got["k00"])
	}
}

func TestTagErrors(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "gone")
	must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("gone")}))
	for _, tc := range []struct{ name, arn, code, msg string }{
		{"not an ARN", "cluster/x", "InvalidParameterException", "The ARN provided is invalid."},
		{"other service", "arn:aws:ecr:us-east-1:" + account + ":repository/x", "InvalidParameterException", "The ARN provided is invalid."},
		{"other account", "arn:aws:ecs:us-east-1:111111111111:cluster/x", "InvalidParameterException", "The ARN provided is invalid."},
		{"unsupported kind", arn("widget/x"), "InvalidParameterException", "The ARN provided is invalid."},
		{"unknown cluster", arn("cluster/ghost"), "ClusterNotFoundException", "Cluster not found."},
		{"deleted cluster", arn("cluster/gone"), "InvalidParameterException", "The specified cluster is inactive. Specify an active cluster and try again."},
		{"unknown task definition", tdARN("ghost", 1), "ClientException", "Unable to describe task definition."},
		{"task definition without revision", arn("task-definition/ghost"), "InvalidParameterException", "The ARN provided is invalid."},
		{"unknown capacity provider", arn("capacity-provider/ghost"), "ResourceNotFoundException", "capacity provider does not exist"},
		{"FARGATE", arn("capacity-provider/FARGATE"), "InvalidParameterException", "cannot be tagged"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(tc.arn), Tags: []types.Tag{tag("k", "v")}})
			assertAPIError(t, err, tc.code, tc.msg)
			_, err = e.ecs.UntagResource(ctx(t), &sdkecs.UntagResourceInput{ResourceArn: aws.String(tc.arn), TagKeys: []string{"k"}})
			assertAPIError(t, err, tc.code, tc.msg)
			_, err = e.ecs.ListTagsForResource(ctx(t), &sdkecs.ListTagsForResourceInput{ResourceArn: aws.String(tc.arn)})
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
	t.Run("untag without keys", func(t *testing.T) {
		e.createCluster(t, "c")
		_, err := e.ecs.UntagResource(ctx(t), &sdkecs.UntagResourceInput{ResourceArn: aws.String(arn("cluster/c")), TagKeys: []string{}})
		assertAPIError(t, err, "InvalidParameterException", "TagKeys can not be empty.")
	})
}
