package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func item(provider string, weight, base int32) types.CapacityProviderStrategyItem {
	return types.CapacityProviderStrategyItem{CapacityProvider: aws.String(provider), Weight: weight, Base: base}
}

func TestPutClusterCapacityProviders(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "pc")
	e.createCluster(t, "other")
	e.createProvider(t, "scaled", types.ManagedScalingStatusEnabled)
	e.createProvider(t, "plain", types.ManagedScalingStatusDisabled)
	must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
		Cluster: aws.String("other"), CapacityProviders: []string{"scaled"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{},
	}))

	fargate := []string{"FARGATE", "FARGATE_SPOT"}
	for _, tc := range []struct {
		name      string
		providers []string
		strategy  []types.CapacityProviderStrategyItem
		code, msg string // "" for success
	}{
		{name: "fargate split", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 2), item("FARGATE_SPOT", 4, 0)}},
		{name: "by ARN", providers: []string{arn("capacity-provider/FARGATE"), arn("capacity-provider/plain")}, strategy: []types.CapacityProviderStrategyItem{item(arn("capacity-provider/plain"), 1, 0)}},
		{name: "single weight zero allowed", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 0, 0)}},
		{name: "extremes allowed", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1000, 100000), item("FARGATE_SPOT", 0, 0)}},
		{name: "clear", providers: []string{}, strategy: []types.CapacityProviderStrategyItem{}},
		{name: "managed-scaling provider shared with only one cluster", providers: []string{"scaled"}, strategy: []types.CapacityProviderStrategyItem{},
			code: "InvalidParameterException", msg: "The specified capacity provider scaled is already associated with cluster other."},
		{name: "unknown provider", providers: []string{"ghost"}, strategy: []types.CapacityProviderStrategyItem{},
			code: "InvalidParameterException", msg: "The specified capacity provider was not found. Specify a valid capacity provider and try again."},
		{name: "provider twice", providers: []string{"FARGATE", "FARGATE"}, strategy: []types.CapacityProviderStrategyItem{},
			code: "InvalidParameterException", msg: "specified more than once"},
		{name: "strategy names provider not associated", providers: []string{"FARGATE"}, strategy: []types.CapacityProviderStrategyItem{item("FARGATE_SPOT", 1, 0)},
			code: "InvalidParameterException", msg: "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster."},
		{name: "weight above 1000", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1001, 0)},
			code: "InvalidParameterException", msg: "Specify a weight between 0 and 1000"},
		{name: "negative weight", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", -1, 0)},
			code: "InvalidParameterException", msg: "Specify a weight between 0 and 1000"},
		{name: "base above 100000", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 100001)},
			code: "InvalidParameterException", msg: "Specify a base between 0 and 100000"},
		{name: "base on two providers", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 1), item("FARGATE_SPOT", 1, 1)},
			code: "InvalidParameterException", msg: "Only one capacity provider in a strategy can have a base defined."},
		{name: "all weights zero", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 0, 1), item("FARGATE_SPOT", 0, 0)},
			code: "InvalidParameterException", msg: "At least one capacity provider must have a weight value greater than zero."},
		{name: "fargate and ASG mixed", providers: []string{"FARGATE", "plain"}, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 0), item("plain", 1, 0)},
			code: "InvalidParameterException", msg: "cannot contain both Fargate capacity providers and Auto Scaling group capacity providers"},
		{name: "strategy item twice", providers: fargate, strategy: []types.CapacityProviderStrategyItem{item("FARGATE", 1, 0), item("FARGATE", 1, 0)},
			code: "InvalidParameterException", msg: "more than once in the capacity provider strategy"},
		{name: "more than 20 providers", providers: make([]string, 21), strategy: []types.CapacityProviderStrategyItem{},
			code: "InvalidParameterException", msg: "The maximum number of capacity providers per cluster has been exceeded."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
				Cluster: aws.String("pc"), CapacityProviders: tc.providers, DefaultCapacityProviderStrategy: tc.strategy,
			})
			if tc.code != "" {
				assertAPIError(t, err, tc.code, tc.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := out.Cluster
			if len(c.CapacityProviders) != len(tc.providers) || len(c.DefaultCapacityProviderStrategy) != len(tc.strategy) {
				t.Fatalf("cluster now has %v / %+v", c.CapacityProviders, c.DefaultCapacityProviderStrategy)
			}
			for i, s := range c.DefaultCapacityProviderStrategy {
				if s.Weight != tc.strategy[i].Weight || s.Base != tc.strategy[i].Base {
					t.Fatalf("strategy[%d] = %+v", i, s)
				}
				if a := aws.ToString(s.CapacityProvider); len(a) > 4 && a[:4] == "arn:" {
					t.Fatalf("strategy keeps the ARN %s; ECS shows names", a)
				}
			}
		})
	}
	t.Run("unknown cluster", func(t *testing.T) {
		_, err := e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
			Cluster: aws.String("ghost"), CapacityProviders: []string{}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{},
		})
		assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	})
	t.Run("describe shows the last accepted state", func(t *testing.T) {
		must[*sdkecs.PutClusterCapacityProvidersOutput](t)(e.ecs.PutClusterCapacityProviders(ctx(t), &sdkecs.PutClusterCapacityProvidersInput{
			Cluster: aws.String("pc"), CapacityProviders: fargate, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{item("FARGATE_SPOT", 2, 0)},
		}))
		d := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"pc"}}))
		c := d.Clusters[0]
		assertSameList(t, c.CapacityProviders, fargate)
		if len(c.DefaultCapacityProviderStrategy) != 1 || c.DefaultCapacityProviderStrategy[0].Weight != 2 {
			t.Fatalf("strategy = %+v", c.DefaultCapacityProviderStrategy)
		}
	})
}

// CreateCluster is idempotent for the same arguments, however the providers are named.
func TestCreateClusterIdempotentWithARNs(t *testing.T) {
	e := newEnv(t)
	in := &sdkecs.CreateClusterInput{
		ClusterName:                     aws.String("idem"),
		CapacityProviders:               []string{arn("capacity-provider/FARGATE"), "FARGATE_SPOT"},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{item(arn("capacity-provider/FARGATE"), 1, 0)},
	}
	for range 2 {
		c := must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), in)).Cluster
		assertSameList(t, c.CapacityProviders, []string{"FARGATE", "FARGATE_SPOT"})
	}
	in.CapacityProviders = []string{"FARGATE"}
	_, err := e.ecs.CreateCluster(ctx(t), in)
	assertAPIError(t, err, "InvalidParameterException", "inconsistent")
}
