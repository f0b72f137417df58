package httpapi_test

import (
	"context"
	"net"
	"slices"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
)

// TestServiceConnectBridgeTasks: bridge-mode tasks of Service Connect services take
// part as awsvpc ones do. A bridge server's tasks are endpoints of its alias at their
// address on the cluster's task network (their pause container's, whose namespace their
// containers share), on the container port or the ingressPortOverride, from RUNNING
// until they stop; an awsvpc server's tasks are endpoints of its alias too. Bridge and
// awsvpc clients alike have a pause container there, which runs the task's DNS server
// and proxy over the cluster's table, so awsvpc → bridge, bridge → awsvpc and bridge →
// bridge all go through the same listeners. The bridge tasks keep their bridge port
// mappings (a dynamic host port here).
func TestServiceConnectBridgeTasks(t *testing.T) {
	for _, ingress := range []int32{0, 15000} {
		t.Run("ingress "+strconv.Itoa(int(ingress)), func(t *testing.T) {
			te := newTaskEnv(t)
			out := must[*sdkecs.CreateClusterOutput](t)(te.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("sc"),
				ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("demo.local")}}))
			clusterARN := aws.ToString(out.Cluster.ClusterArn)
			def := func(family string, mode types.NetworkMode, port int32, name string) string {
				app := cdef("app", 128, nil)
				if port > 0 {
					app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(port), Name: aws.String(name), AppProtocol: types.ApplicationProtocolHttp}}
					if mode == types.NetworkModeBridge {
						app.PortMappings[0].HostPort = aws.Int32(0)
					}
				}
				d := ec2Def(family, app)
				d.NetworkMode = mode
				return te.sxRegister(t, d)
			}
			service := func(name, td string, mode types.NetworkMode, sc *types.ServiceConnectConfiguration) {
				in := &sdkecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String(name), TaskDefinition: aws.String(td),
					DesiredCount: aws.Int32(2), ServiceConnectConfiguration: sc}
				if mode == types.NetworkModeAwsvpc {
					in.NetworkConfiguration = awsvpcConfig("subnet-1")
				}
				te.sxCreate(t, in)
			}
			server := func(port, alias int32, dns string, override *int32) *types.ServiceConnectConfiguration {
				return &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{PortName: aws.String("web"),
					IngressPortOverride: override,
					ClientAliases:       []types.ServiceConnectClientAlias{{Port: aws.Int32(alias), DnsName: aws.String(dns)}}}}}
			}
			var override *int32
			if ingress > 0 {
				override = aws.Int32(ingress)
			}
			service("api", def("api", types.NetworkModeBridge, 8080, "web"), types.NetworkModeBridge, server(8080, 80, "api", override))
			service("db", def("db", types.NetworkModeAwsvpc, 5432, "web"), types.NetworkModeAwsvpc, server(5432, 5432, "db", nil))
			service("web", def("web", types.NetworkModeBridge, 0, ""), types.NetworkModeBridge, &types.ServiceConnectConfiguration{Enabled: true})
			te.settle(t)

			apiAddrs := map[string]string{} // task ARN → its address on the task network
			for _, svc := range []string{"api", "web"} {
				tasks := te.sxTasks(t, "sc", svc, types.DesiredStatusRunning)
				if len(tasks) != 2 {
					t.Fatalf("%s: %d running tasks", svc, len(tasks))
				}
				for _, tk := range tasks {
					addr := bridgeTaskAddress(t, te, tk)
					if svc == "api" {
						apiAddrs[aws.ToString(tk.TaskArn)] = addr
					}
					if svc == "api" {
						b := container(t, &tk, "app").NetworkBindings
						if len(b) != 1 || aws.ToInt32(b[0].ContainerPort) != 8080 || aws.ToInt32(b[0].HostPort) == 0 || aws.ToInt32(b[0].HostPort) == 8080 {
							t.Errorf("api task's bindings %+v, want a dynamic host port for 8080", b)
						}
					}
				}
			}
			port := 8080
			if ingress > 0 {
				port = int(ingress)
			}
			want := func() []string {
				var eps []string
				for _, a := range apiAddrs {
					eps = append(eps, net.JoinHostPort(a, strconv.Itoa(port)))
				}
				slices.Sort(eps)
				return eps
			}
			tb := te.emu.Table(clusterARN)
			api, ok := proxyNamed(tb.Proxies, "api")
			if !ok || !slices.Equal(api.Endpoints, want()) {
				t.Fatalf("api listener %+v, want endpoints %v", api, want())
			}
			if db, ok := proxyNamed(tb.Proxies, "db"); !ok || !slices.Equal(db.Endpoints, withPort(taskIPs(t, te, "db"), 5432)) {
				t.Fatalf("db listener %+v, want the awsvpc tasks on 5432", db)
			}
			var ingressListeners []string
			for _, l := range tb.Proxies {
				if l.Ingress {
					ingressListeners = append(ingressListeners, l.Addr+"→"+l.Endpoints[0])
				}
			}
			slices.Sort(ingressListeners)
			var wantIngress []string
			if ingress > 0 {
				for _, a := range apiAddrs {
					wantIngress = append(wantIngress, net.JoinHostPort(a, "15000")+"→"+net.JoinHostPort(a, "8080"))
				}
				slices.Sort(wantIngress)
			}
			if !slices.Equal(ingressListeners, wantIngress) {
				t.Fatalf("ingress listeners %v, want %v", ingressListeners, wantIngress)
			}

			// A stopped server task leaves the listener; its replacement joins it.
			var stopped string
			for arn := range apiAddrs {
				stopped = arn
				break
			}
			if _, err := te.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("sc"), Task: aws.String(stopped)}); err != nil {
				t.Fatal(err)
			}
			gone := apiAddrs[stopped]
			delete(apiAddrs, stopped)
			te.settle(t)
			api, _ = proxyNamed(te.emu.Table(clusterARN).Proxies, "api")
			for _, tk := range te.sxTasks(t, "sc", "api", types.DesiredStatusRunning) {
				apiAddrs[aws.ToString(tk.TaskArn)] = bridgeTaskAddress(t, te, tk)
			}
			if len(apiAddrs) != 2 || !slices.Equal(api.Endpoints, want()) {
				t.Fatalf("after the replacement: endpoints %v, want %v (the stopped task was at %s)", api.Endpoints, want(), gone)
			}
		})
	}
}

// bridgeTaskAddress is a bridge-mode Service Connect task's address: its pause
// container's on the cluster's task network. Its app container shares that namespace.
func bridgeTaskAddress(t *testing.T, te *taskEnv, tk types.Task) string {
	t.Helper()
	found, err := te.rt.List(context.Background(), map[string]string{agent.LabelTaskARN: aws.ToString(tk.TaskArn)})
	if err != nil {
		t.Fatal(err)
	}
	var pause, app map[string]string
	for _, c := range found {
		switch c.Labels[agent.LabelContainerName] {
		case "~internal~ecs~pause":
			pause = c.IPAddresses
		case "app":
			app = c.IPAddresses
		}
	}
	if len(pause) != 1 || len(tk.Attachments) != 0 {
		t.Fatalf("task %s: pause container networks %v, attachments %+v", aws.ToString(tk.TaskArn), pause, tk.Attachments)
	}
	var addr string
	for name, ip := range pause {
		if name == "bridge" {
			t.Fatalf("the pause container is on the default bridge, not the task network")
		}
		addr = ip
	}
	if app[func() string {
		for k := range pause {
			return k
		}
		return ""
	}()] != addr {
		t.Fatalf("the app container (%v) does not share the pause container's namespace (%v)", app, pause)
	}
	return addr
}

func proxyNamed(ls []serviceconnect.Listener, name string) (serviceconnect.Listener, bool) {
	for _, l := range ls {
		if l.Name == name && !l.Ingress {
			return l, true
		}
	}
	return serviceconnect.Listener{}, false
}
