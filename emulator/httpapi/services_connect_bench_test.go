package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// BenchmarkDiscoveryTable is one task's table fetch (every awsvpc task makes one a
// second): a cluster of 50 Service Connect services of 4 tasks each, each with an
// alias and a Cloud Map registry.
func BenchmarkDiscoveryTable(b *testing.B) {
	te := newTaskEnv(b)
	out, err := te.ecs.CreateCluster(ctx(b), &sdkecs.CreateClusterInput{ClusterName: aws.String("big"),
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("demo.local")}})
	if err != nil {
		b.Fatal(err)
	}
	app := cdef("app", 64, nil)
	app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("web"), AppProtocol: types.ApplicationProtocolHttp}}
	def := ec2Def("api", app)
	def.NetworkMode = types.NetworkModeAwsvpc
	td := te.sxRegister(b, def)
	const services = 50
	for i := range services {
		name := fmt.Sprintf("svc-%02d", i)
		te.sxCreate(b, &sdkecs.CreateServiceInput{Cluster: aws.String("big"), ServiceName: aws.String(name), TaskDefinition: aws.String(td),
			DesiredCount: aws.Int32(4), NetworkConfiguration: awsvpcConfig("subnet-1"),
			ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{
				PortName: aws.String("web"), ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String(name)}}}}},
			ServiceRegistries: []types.ServiceRegistry{{RegistryArn: aws.String("arn:aws:servicediscovery:us-east-1:000000000000:service/" + name + ".cloudmap.local"), Port: aws.Int32(8080)}}})
	}
	te.settle(b)
	arn := aws.ToString(out.Cluster.ClusterArn)
	if got := te.emu.Table(arn); len(got.Proxies) != services || len(got.Proxies[0].Endpoints) != 4 {
		b.Fatalf("table: %d listeners, first %+v", len(got.Proxies), got.Proxies[0])
	}
	// Unchanged state: the table is the one built for it.
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			_ = te.emu.Table(arn)
		}
	})
	// After each change (a commit: here a registry mapping) it is built again.
	b.Run("changed", func(b *testing.B) {
		names := []string{"x.local", "y.local"}
		i := 0
		for b.Loop() {
			i++
			if err := te.emu.MapRegistry("arn:aws:servicediscovery:us-east-1:000000000000:service/srv-x", names[i%2]); err != nil {
				b.Fatal(err)
			}
			_ = te.emu.Table(arn)
		}
	})
}
