package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceConnectNetworkModes: a bridge-mode Service Connect service is accepted, as
// ECS accepts it, and its task is an endpoint of its alias (TestServiceConnectBridgeTasks
// has the rest). The host mode is refused, as is an ingressPortOverride outside 1–65535.
func TestServiceConnectNetworkModes(t *testing.T) {
	for _, c := range []struct {
		name    string
		mode    types.NetworkMode
		ingress *int32
		wantErr string // "" = accepted
	}{
		{"bridge", types.NetworkModeBridge, nil, ""},
		{"host", types.NetworkModeHost, nil, "does not support the host network mode"},
		{"ingress port", types.NetworkModeAwsvpc, aws.Int32(70000), "ingressPortOverride 70000 is not between 1 and 65535"},
	} {
		t.Run(c.name, func(t *testing.T) {
			te := newTaskEnv(t)
			out := must[*sdkecs.CreateClusterOutput](t)(te.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("sc"),
				ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("demo.local")}}))
			app := cdef("app", 128, nil)
			app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("web")}}
			def := ec2Def("api", app)
			def.NetworkMode = c.mode
			in := &sdkecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("api"), TaskDefinition: aws.String(te.sxRegister(t, def)),
				DesiredCount: aws.Int32(1),
				ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{
					PortName: aws.String("web"), IngressPortOverride: c.ingress,
					ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String("api")}}}}}}
			if c.mode == types.NetworkModeAwsvpc {
				in.NetworkConfiguration = awsvpcConfig("subnet-1")
			}
			if c.wantErr != "" {
				_, err := te.ecs.CreateService(ctx(t), in)
				assertAPIError(t, err, "InvalidParameterException", c.wantErr)
				return
			}
			te.sxCreate(t, in)
			te.settle(t)
			if n := len(te.sxTasks(t, "sc", "api", types.DesiredStatusRunning)); n != 1 {
				t.Fatalf("%d running tasks, want 1", n)
			}
			tb := te.emu.Table(aws.ToString(out.Cluster.ClusterArn))
			if len(tb.Proxies) != 1 || tb.Proxies[0].Name != "api" || len(tb.Proxies[0].Endpoints) != 1 {
				t.Fatalf("proxies %+v, want the api listener with the task as its endpoint", tb.Proxies)
			}
		})
	}
}
