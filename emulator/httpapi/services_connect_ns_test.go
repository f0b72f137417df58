package httpapi_test

import (
	"net"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceConnectNamespaceSpansClusters: a Service Connect namespace is the
// account's, not a cluster's. A server service in cluster "a" (the cluster's default
// namespace shared.local) is reached from a client-only service in cluster "b" that
// names the namespace by ARN: b's table has the alias listener over a's tasks. A
// cluster on another namespace sees nothing of it, and ListServicesByNamespace lists
// the services of both clusters.
func TestServiceConnectNamespaceSpansClusters(t *testing.T) {
	te := newTaskEnv(t)
	const nsARN = "arn:aws:servicediscovery:us-east-1:000000000000:namespace/shared.local"
	clusters := map[string]string{}
	for name, ns := range map[string]string{"a": "shared.local", "b": "", "c": "other.local"} {
		in := &sdkecs.CreateClusterInput{ClusterName: aws.String(name)}
		if ns != "" {
			in.ServiceConnectDefaults = &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String(ns)}
		}
		clusters[name] = aws.ToString(must[*sdkecs.CreateClusterOutput](t)(te.ecs.CreateCluster(ctx(t), in)).Cluster.ClusterArn)
	}
	app := cdef("app", 128, nil)
	app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("http"), AppProtocol: types.ApplicationProtocolHttp}}
	server := ec2Def("api", app)
	server.NetworkMode = types.NetworkModeAwsvpc
	api := te.sxRegister(t, server)
	client := ec2Def("web", cdef("app", 128, nil))
	client.NetworkMode = types.NetworkModeAwsvpc
	web := te.sxRegister(t, client)

	te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("a"), ServiceName: aws.String("api"), TaskDefinition: aws.String(api),
		DesiredCount: aws.Int32(2), NetworkConfiguration: awsvpcConfig("subnet-1"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{
			PortName: aws.String("http"), ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(18080), DnsName: aws.String("api")}}}}}})
	for _, c := range []struct{ cluster, ns string }{{"b", nsARN}, {"c", ""}} {
		sc := &types.ServiceConnectConfiguration{Enabled: true}
		if c.ns != "" {
			sc.Namespace = aws.String(c.ns)
		}
		te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String(c.cluster), ServiceName: aws.String("web"), TaskDefinition: aws.String(web),
			DesiredCount: aws.Int32(1), NetworkConfiguration: awsvpcConfig("subnet-1"), ServiceConnectConfiguration: sc})
	}
	te.settle(t)

	var want []string
	for _, tk := range te.sxTasks(t, "a", "api", types.DesiredStatusRunning) {
		for _, d := range tk.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				want = append(want, net.JoinHostPort(aws.ToString(d.Value), "8080"))
			}
		}
	}
	slices.Sort(want)
	if len(want) != 2 {
		t.Fatalf("api endpoints %v", want)
	}
	for _, cluster := range []string{"a", "b"} {
		tb := te.emu.Table(clusters[cluster])
		if len(tb.Proxies) != 1 || tb.Proxies[0].Name != "api" || !slices.Equal(tb.Proxies[0].Endpoints, want) {
			t.Fatalf("cluster %s proxies %+v, want api over %v", cluster, tb.Proxies, want)
		}
		if vip := tb.Records["api"]; len(vip) != 1 || !slices.Equal(tb.Records["http.shared.local"], vip) {
			t.Fatalf("cluster %s records %v", cluster, tb.Records)
		}
	}
	if tb := te.emu.Table(clusters["c"]); len(tb.Proxies) != 0 || len(tb.Records["api"]) != 0 {
		t.Fatalf("cluster c, on another namespace, sees api: %+v", tb)
	}
	for _, ns := range []string{"shared.local", nsARN} {
		out := must[*sdkecs.ListServicesByNamespaceOutput](t)(te.ecs.ListServicesByNamespace(ctx(t), &sdkecs.ListServicesByNamespaceInput{Namespace: aws.String(ns)}))
		assertSameList(t, out.ServiceArns, []string{arn("service/a/api"), arn("service/b/web")})
	}

	// The server scaled to zero: the client's listener in b has no endpoint left.
	must[*sdkecs.UpdateServiceOutput](t)(te.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("a"), Service: aws.String("api"), DesiredCount: aws.Int32(0)}))
	te.settle(t)
	if tb := te.emu.Table(clusters["b"]); len(tb.Proxies) != 1 || len(tb.Proxies[0].Endpoints) != 0 {
		t.Fatalf("after scale-in, b's proxies %+v", tb.Proxies)
	}
}
