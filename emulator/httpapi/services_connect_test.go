package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
	"github.com/ecsmini/ecsmini/internal/workload"
)

const cloudMapARN = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-0123456789abcdef"

// scEnv is a cluster "sc" (Service Connect default namespace demo.local) with a server
// service "api" (two awsvpc tasks, port "web" 8080 as http, client alias api:18080,
// registered in Cloud Map) and a client-only service "web".
func scEnv(t *testing.T) (*taskEnv, string) {
	t.Helper()
	te := newTaskEnv(t)
	out, err := te.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("sc"),
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("demo.local")}})
	if err != nil {
		t.Fatal(err)
	}
	app := cdef("app", 128, nil)
	app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("web"), AppProtocol: types.ApplicationProtocolHttp}}
	def := ec2Def("api", app)
	def.NetworkMode = types.NetworkModeAwsvpc
	api := te.sxRegister(t, def)
	client := ec2Def("web", cdef("app", 128, nil))
	client.NetworkMode = types.NetworkModeAwsvpc
	web := te.sxRegister(t, client)
	if err := te.emu.MapRegistry(cloudMapARN, "api.cloudmap.local"); err != nil {
		t.Fatal(err)
	}
	te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("api"), TaskDefinition: aws.String(api),
		DesiredCount: aws.Int32(2), NetworkConfiguration: awsvpcConfig("subnet-1"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Services: []types.ServiceConnectService{{
			PortName: aws.String("web"), DiscoveryName: aws.String("api-http"),
			ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(18080), DnsName: aws.String("api")}},
			Timeout:       &types.TimeoutConfiguration{PerRequestTimeoutSeconds: aws.Int32(7)}}}},
		ServiceRegistries: []types.ServiceRegistry{{RegistryArn: aws.String(cloudMapARN), Port: aws.Int32(8080)}}})
	te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("sc"), ServiceName: aws.String("web"), TaskDefinition: aws.String(web),
		DesiredCount: aws.Int32(1), NetworkConfiguration: awsvpcConfig("subnet-1"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true}})
	te.settle(t)
	return te, aws.ToString(out.Cluster.ClusterArn)
}

// taskIPs are the private addresses of the service's RUNNING tasks, sorted.
func taskIPs(t *testing.T, te *taskEnv, service string) []string {
	t.Helper()
	var ips []string
	for _, tk := range te.sxTasks(t, "sc", service, types.DesiredStatusRunning) {
		for _, d := range tk.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				ips = append(ips, aws.ToString(d.Value))
			}
		}
	}
	slices.Sort(ips)
	return ips
}

func withPort(ips []string, port int) []string {
	out := make([]string, len(ips))
	for i, ip := range ips {
		out[i] = net.JoinHostPort(ip, strconv.Itoa(port))
	}
	return out
}

// TestServiceConnectTable: the cluster's discovery table gives the alias and the
// discovery names one 127.255.x.y address, a listener there on the alias port whose
// endpoints are the server tasks' container port, with the port mapping's appProtocol
// and the service's timeout; the client-only service publishes nothing; both are listed
// by namespace (the cluster's default).
func TestServiceConnectTable(t *testing.T) {
	te, clusterARN := scEnv(t)
	ips := taskIPs(t, te, "api")
	if len(ips) != 2 {
		t.Fatalf("api task addresses %v", ips)
	}
	tb := te.emu.Table(clusterARN)
	if len(tb.Proxies) != 1 {
		t.Fatalf("proxies %+v", tb.Proxies)
	}
	l := tb.Proxies[0]
	vip, port, _ := net.SplitHostPort(l.Addr)
	if a, err := netip.ParseAddr(vip); err != nil || !serviceconnect.AliasPrefix.Contains(a) || port != "18080" {
		t.Fatalf("listener address %s", l.Addr)
	}
	if l.Name != "api" || l.AppProtocol != "http" || !slices.Equal(l.Endpoints, withPort(ips, 8080)) ||
		l.PerRequestTimeoutSeconds == nil || *l.PerRequestTimeoutSeconds != 7 || l.IdleTimeoutSeconds != nil {
		t.Fatalf("listener %+v", l)
	}
	for _, name := range []string{"api", "api-http", "api-http.demo.local"} {
		if got := tb.Records[name]; !slices.Equal(got, []string{vip}) {
			t.Errorf("%s → %v, want the alias address %s", name, got, vip)
		}
	}
	if got := tb.Records["web"]; len(got) != 1 || got[0] == vip {
		t.Errorf("the client-only service keeps its plain name only: %v", got)
	}
	for name := range tb.Records {
		if name != "api" && name != "web" && !slices.Contains([]string{"api-http", "api-http.demo.local", "api.cloudmap.local"}, name) &&
			!isTaskTarget(name) {
			t.Errorf("unexpected name %s", name)
		}
	}
	// A new registry name shows at once (the table follows every change of the state).
	if err := te.emu.MapRegistry(cloudMapARN, "api2.cloudmap.local"); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(te.emu.Table(clusterARN).Records["api2.cloudmap.local"])); !slices.Equal(got, ips) {
		t.Fatalf("after the mapping changed: %v", got)
	}
	out, err := te.ecs.ListServicesByNamespace(ctx(t), &sdkecs.ListServicesByNamespaceInput{Namespace: aws.String("demo.local")})
	if err != nil || len(out.ServiceArns) != 2 {
		t.Fatalf("ListServicesByNamespace: %v %v", out, err)
	}
}

func isTaskTarget(name string) bool {
	return len(name) > len(".api.cloudmap.local") && name[len(name)-len(".api.cloudmap.local"):] == ".api.cloudmap.local"
}

// TestServiceDiscoveryThroughTaskDNS resolves the names as a task does, through the
// task DNS server (ecsmini workload --dns) fed by the discovery handler over the
// emulator, with Go's resolver: the Cloud Map name's A and SRV records follow the
// service's tasks (a stopped task leaves them), the alias resolves to its listener's
// address, where the task's proxy listens.
func TestServiceDiscoveryThroughTaskDNS(t *testing.T) {
	te, clusterARN := scEnv(t)
	tables := httptest.NewServer(discovery.Handler(te.emu))
	defer tables.Close()
	dnsAddr := freeUDPAndTCP(t)
	wctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- workload.Run(wctx, workload.Config{Signals: make(chan os.Signal),
			DNS: &workload.DNS{Listen: dnsAddr, Table: discovery.TableURL(tables.Listener.Addr().String(), clusterARN)}}, io.Discard, io.Discard)
	}()
	defer func() { stop(); <-done }()
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, dnsAddr)
	}}
	ips := taskIPs(t, te, "api")
	lookup := func(name string) []string {
		got, err := r.LookupHost(context.Background(), name)
		if err != nil {
			return nil
		}
		slices.Sort(got)
		return got
	}
	srv := func() []string {
		_, recs, err := r.LookupSRV(context.Background(), "", "", "api.cloudmap.local")
		if err != nil {
			return nil
		}
		var out []string
		for _, s := range recs {
			addrs := lookup(s.Target)
			out = append(out, fmt.Sprintf("%v:%d", addrs, s.Port))
		}
		slices.Sort(out)
		return out
	}
	waitFor(t, "the Cloud Map name", func() bool { return slices.Equal(lookup("api.cloudmap.local."), ips) })
	want := []string{fmt.Sprintf("[%s]:8080", ips[0]), fmt.Sprintf("[%s]:8080", ips[1])}
	if got := srv(); !slices.Equal(got, want) {
		t.Fatalf("SRV api.cloudmap.local: %v, want %v", got, want)
	}
	vip, _, _ := net.SplitHostPort(te.emu.Table(clusterARN).Proxies[0].Addr)
	if got := lookup("api."); !slices.Equal(got, []string{vip}) {
		t.Fatalf("alias api → %v, want %s", got, vip)
	}
	waitFor(t, "the proxy to listen on the alias", func() bool {
		c, err := net.DialTimeout("tcp", net.JoinHostPort(vip, "18080"), time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	})

	// A stopped task leaves the names; its replacement joins them.
	tasks := te.sxTasks(t, "sc", "api", types.DesiredStatusRunning)
	if _, err := te.ecs.StopTask(ctx(t), &sdkecs.StopTaskInput{Cluster: aws.String("sc"), Task: tasks[0].TaskArn}); err != nil {
		t.Fatal(err)
	}
	te.settle(t)
	now := taskIPs(t, te, "api")
	if len(now) != 2 || slices.Equal(now, ips) {
		t.Fatalf("after the stop: %v (before %v)", now, ips)
	}
	waitFor(t, "the names to follow the tasks", func() bool { return slices.Equal(lookup("api.cloudmap.local."), now) })
	if got := te.emu.Table(clusterARN).Proxies[0].Endpoints; !slices.Equal(got, withPort(now, 8080)) {
		t.Fatalf("endpoints %v, want %v", got, withPort(now, 8080))
	}
}

// waitFor polls cond: the task DNS server, a real one, fetches its table every second
// of real time, which the emulator's fake clock does not drive.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// freeUDPAndTCP finds a loopback port free for both UDP and TCP.
func freeUDPAndTCP(t *testing.T) string {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		pc.Close()
		if err == nil {
			ln.Close()
			return addr
		}
	}
	t.Fatal("no port free for both UDP and TCP")
	return ""
}

// A Service Connect configuration that cannot work is refused, whole: the service is
// not created, an update leaves the deployment as it was.
func TestServiceConnectRefusesBadConfiguration(t *testing.T) {
	te := newTaskEnv(t)
	te.createCluster(t, "plain")
	app := cdef("app", 128, nil)
	app.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Name: aws.String("web")}}
	def := ec2Def("api", app)
	def.NetworkMode = types.NetworkModeAwsvpc
	api := te.sxRegister(t, def)
	hostDef := ec2Def("hosted", app)
	hostDef.NetworkMode = types.NetworkModeHost
	hosted := te.sxRegister(t, hostDef)
	svc := func(port string, alias int32) []types.ServiceConnectService {
		return []types.ServiceConnectService{{PortName: aws.String(port),
			ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(alias)}}}}
	}
	for _, tc := range []struct {
		name, td string
		sc       *types.ServiceConnectConfiguration
		msg      string
	}{
		{"no namespace", api, &types.ServiceConnectConfiguration{Enabled: true}, "needs a namespace"},
		{"unknown port name", api, &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("ns"), Services: svc("grpc", 80)}, "portName 'grpc' matches no portMappings name"},
		{"alias port", api, &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("ns"), Services: svc("web", 70000)}, "not between 1 and 65535"},
		{"host mode", hosted, &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("ns")}, "host network mode"},
	} {
		in := &sdkecs.CreateServiceInput{Cluster: aws.String("plain"), ServiceName: aws.String("s"), TaskDefinition: aws.String(tc.td),
			DesiredCount: aws.Int32(1), ServiceConnectConfiguration: tc.sc}
		if tc.td == api {
			in.NetworkConfiguration = awsvpcConfig("subnet-1")
		}
		_, err := te.ecs.CreateService(ctx(t), in)
		sxAPIError(t, err, "InvalidParameterException", tc.msg, false)
	}
	if out, _ := te.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("plain")}); len(out.ServiceArns) != 0 {
		t.Fatalf("refused creates left services: %v", out.ServiceArns)
	}
	te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("plain"), ServiceName: aws.String("ok"), TaskDefinition: aws.String(api),
		DesiredCount: aws.Int32(1), NetworkConfiguration: awsvpcConfig("subnet-1"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("ns"), Services: svc("web", 80)}})
	_, err := te.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("plain"), Service: aws.String("ok"),
		ServiceConnectConfiguration: &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("ns"), Services: svc("nope", 80)}})
	sxAPIError(t, err, "InvalidParameterException", "portName 'nope'", false)
	if s := te.service(t, "plain", "ok"); len(s.Deployments) != 1 {
		t.Fatalf("a refused update must not start a deployment: %+v", deploymentsOf(s))
	}
}
