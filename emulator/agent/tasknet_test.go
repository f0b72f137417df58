package agent

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// scStore is the test Store with ServiceConnectStore: every task is of a service with
// Service Connect when sc is set, and the addresses the agent records are kept.
type scStore struct {
	*agenttest.Store
	sc   bool
	mu   sync.Mutex
	addr map[string]string
}

func (s *scStore) ServiceConnect(string) bool { return s.sc }

func (s *scStore) SetTaskAddress(arn, addr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr[arn] = addr
	return nil
}

func (s *scStore) address(arn string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr[arn]
}

// A bridge-mode task of a service with Service Connect gets what an awsvpc task gets: a
// pause container on the cluster's task network running the task's DNS server and
// proxy, whose namespace its containers join. Its port mappings stay bridge ones
// (static and dynamic host ports on its instance's loopback address), published by
// the pause container, which also takes the containers' hostname, extraHosts and
// dnsServers (Docker refuses them on a container that joins another's namespace). Its
// address there is recorded for the other tasks' proxies. Without Service Connect the
// task is a plain bridge task, with none of this.
func TestBridgeServiceConnectTaskNetwork(t *testing.T) {
	const instance = "arn:aws:ecs:us-east-1:000000000000:container-instance/default/0123456789abcdef0"
	for _, sc := range []bool{true, false} {
		t.Run(map[bool]string{true: "service connect", false: "plain bridge"}[sc], func(t *testing.T) {
			clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
			store := &scStore{Store: agenttest.NewStore(), sc: sc, addr: map[string]string{}}
			a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
				HostIP: "127.0.0.1", PauseImage: "pause", Endpoints: fixedEndpoints("172.18.0.1:51680")})
			ctx, cancel := context.WithCancel(context.Background())
			if err := a.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { cancel(); a.Wait() })
			e := &prepEnv{store: store.Store, rt: rt, agent: a}

			app := container("app")
			app.PortMappings = []ecs.PortMapping{{ContainerPort: ecs.Ptr(8080), HostPort: ecs.Ptr(18080), Name: ecs.Ptr("web")},
				{ContainerPort: ecs.Ptr(9090)}}
			app.Hostname = ecs.Ptr("api")
			app.ExtraHosts = []ecs.HostEntry{{Hostname: "db", IPAddress: "10.0.0.5"}}
			app.DNSServers = []string{"10.0.0.2"}
			side := container("side")
			side.ExtraHosts = []ecs.HostEntry{{Hostname: "db", IPAddress: "10.0.0.5"}, {Hostname: "cache", IPAddress: "10.0.0.6"}}
			td := taskDef(app, side)
			arn := runOn(e, td, instance)
			task := e.waitStatus(t, arn, ecs.StatusRunning)
			hostIP := InstanceHostIP(instance)

			appSpec, _ := rt.spec("app")
			pause, hasPause := rt.spec(pauseContainerName)
			if !sc {
				if hasPause || appSpec.NetworkMode != ecs.NetworkBridge || len(appSpec.Ports) != 2 || appSpec.Hostname != "api" {
					t.Fatalf("plain bridge task: pause %v, app network %q ports %v hostname %q", hasPause, appSpec.NetworkMode, appSpec.Ports, appSpec.Hostname)
				}
				if got := store.address(arn); got != "" {
					t.Fatalf("plain bridge task recorded address %q", got)
				}
				return
			}
			if !hasPause {
				t.Fatal("no pause container")
			}
			netName := clusterNetwork("", "default")
			if pause.NetworkMode != netName {
				t.Errorf("pause network %q, want the cluster's task network %q", pause.NetworkMode, netName)
			}
			if !slices.Contains(pause.Cmd, "--dns") || !slices.Contains(pause.Cmd, "--proxy") {
				t.Errorf("pause command %q runs no DNS server or proxy", pause.Cmd)
			}
			wantPorts := []containers.PortBinding{{ContainerPort: 8080, Protocol: "tcp", HostIP: hostIP, HostPort: 18080},
				{ContainerPort: 9090, Protocol: "tcp", HostIP: hostIP}}
			if !slices.Equal(pause.Ports, wantPorts) {
				t.Errorf("pause ports %+v, want %+v", pause.Ports, wantPorts)
			}
			if pause.Hostname != "api" || !slices.Equal(pause.ExtraHosts, []string{"db:10.0.0.5", "cache:10.0.0.6"}) ||
				!slices.Equal(pause.DNS, []string{"10.0.0.2"}) {
				t.Errorf("pause hostname %q extra hosts %q dns %q", pause.Hostname, pause.ExtraHosts, pause.DNS)
			}
			for _, name := range []string{"app", "side"} {
				s, _ := rt.spec(name)
				if !strings.HasPrefix(s.NetworkMode, "container:") || s.Ports != nil || s.Hostname != "" || s.ExtraHosts != nil || s.DNS != nil {
					t.Errorf("%s: network %q ports %v hostname %q extra hosts %q dns %q", name, s.NetworkMode, s.Ports, s.Hostname, s.ExtraHosts, s.DNS)
				}
				if !slices.Contains(s.Env, EnvMetadataURIV4+"=http://"+taskAgentPort+"/v4/"+a.tokenFor(arn, name)) {
					t.Errorf("%s: metadata URI not through the pause container's proxy: %q", name, s.Env)
				}
			}
			addr := store.address(arn)
			if !strings.HasPrefix(addr, "172.") {
				t.Fatalf("recorded address %q, want the pause container's on %s", addr, netName)
			}
			if len(task.Attachments) != 0 {
				t.Errorf("a bridge task got attachments %+v", task.Attachments)
			}
			var bound []string
			for _, c := range task.Containers {
				for _, b := range c.NetworkBindings {
					bound = append(bound, c.Name+" "+b.BindIP+":"+strconv.Itoa(ecs.Deref(b.HostPort))+"->"+strconv.Itoa(ecs.Deref(b.ContainerPort)))
				}
			}
			if len(bound) != 2 || bound[0] != "app "+hostIP+":18080->8080" || !strings.HasPrefix(bound[1], "app "+hostIP+":") || strings.HasSuffix(bound[1], ":0->9090") {
				t.Errorf("network bindings %q, want app's static 18080 and a dynamic port, on %s", bound, hostIP)
			}
			stopped := e.stop(t, arn)
			if st, err := rt.List(context.Background(), map[string]string{LabelTaskARN: arn}); err != nil || len(st) != 0 {
				t.Errorf("after the stop: %d containers left (%v); task %s", len(st), err, stopped.LastStatus)
			}
		})
	}
}

// runOn runs a task of td on a simulated container instance.
func runOn(e *prepEnv, td *ecs.TaskDefinition, instance string) string {
	arn := "arn:aws:ecs:us-east-1:000000000000:task/default/00000000000000000000000000000b01"
	task := &ecs.Task{TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default", ContainerInstanceArn: instance,
		DesiredStatus: ecs.StatusRunning, LastStatus: ecs.StatusProvisioning, LaunchType: ecs.LaunchEC2}
	for _, cd := range td.ContainerDefinitions {
		task.Containers = append(task.Containers, ecs.Container{Name: ecs.Deref(cd.Name), TaskArn: arn, Image: ecs.Deref(cd.Image)})
	}
	e.store.Put(task, td)
	e.agent.Launch(arn)
	return arn
}

// An adopted bridge-mode Service Connect task goes on in its pause container's
// namespace when that is still there, and has lost its network, as an awsvpc task
// would, when it is gone.
func TestAdoptBridgeServiceConnectTask(t *testing.T) {
	for _, removePause := range []bool{false, true} {
		t.Run(map[bool]string{false: "pause kept", true: "pause gone"}[removePause], func(t *testing.T) {
			clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
			rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
			store := &scStore{Store: agenttest.NewStore(), sc: true, addr: map[string]string{}}
			start := func(act *clock.Activity) (*Agent, context.CancelFunc) {
				a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
					PauseImage: "pause", Activity: act})
				ctx, cancel := context.WithCancel(context.Background())
				if err := a.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { cancel(); a.Wait() })
				return a, cancel
			}
			first, crash := start(nil)
			e := &prepEnv{store: store.Store, rt: rt, agent: first}
			arn := runOn(e, taskDef(container("app")), "")
			e.waitStatus(t, arn, ecs.StatusRunning)
			crash() // the agent ends without stopping its tasks, as on kill -9
			first.Wait()
			pause, err := rt.List(t.Context(), map[string]string{LabelTaskARN: arn, LabelContainerName: pauseContainerName})
			if err != nil || len(pause) != 1 {
				t.Fatalf("pause container: %v %v", pause, err)
			}
			if removePause {
				if err := rt.Remove(t.Context(), pause[0].ID); err != nil {
					t.Fatal(err)
				}
			}
			act := clock.NewActivity()
			second, _ := start(act)
			found, err := rt.List(t.Context(), map[string]string{LabelTaskARN: arn})
			if err != nil || !Adoptable(found) {
				t.Fatalf("not adoptable: %v %v", found, err)
			}
			second.Adopt(arn, found)
			if !removePause {
				if err := act.Wait(t.Context()); err != nil {
					t.Fatal(err)
				}
				if task, _, _ := store.Task(arn); task.DesiredStatus != ecs.StatusRunning || task.LastStatus != ecs.StatusRunning {
					t.Fatalf("adopted task with its pause container: %s/%s %q", task.LastStatus, task.DesiredStatus, task.StoppedReason)
				}
				return
			}
			stopped := e.waitStatus(t, arn, ecs.StatusStopped)
			if c := stopped.Containers[0]; !strings.HasPrefix(c.Reason, "the task's network is gone: its pause container was gone when ecsmini started again") {
				t.Errorf("stopped with %s %q, container reason %q", stopped.StopCode, stopped.StoppedReason, c.Reason)
			}
		})
	}
}
