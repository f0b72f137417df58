//go:build docker

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// twoHosts is a network namespace joined to the root namespace by a veth pair: the
// "remote machine" at peer, ecsmini's side at local. Only this test's own namespace
// and links are touched, and they go when t ends.
type twoHosts struct {
	ns, local, peer string // namespace; addresses of the root and namespace ends
	rootDev, nsDev  string
}

func newTwoHosts(t *testing.T) *twoHosts {
	t.Helper()
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the two-host test needs root (ip netns)")
		}
		t.Skip("the two-host test needs root (ip netns)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatalf("the two-host test needs iproute2's ip: %v", err)
	}
	id := randomHex(t)
	n, err := strconv.ParseUint(id[:4], 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	octet, quad := int(n>>8)%200+20, int(n&0x3f)*4 // 10.213.<octet>.<quad>/30
	h := &twoHosts{ns: "ecsmini-any-" + id, rootDev: "ecsma" + id[:6], nsDev: "ecsmb" + id[:6],
		local: fmt.Sprintf("10.213.%d.%d", octet, quad+1), peer: fmt.Sprintf("10.213.%d.%d", octet, quad+2)}
	t.Cleanup(func() {
		// Deleting the namespace deletes its end of the pair, and so the pair.
		if out, err := exec.Command("ip", "netns", "del", h.ns).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v %s", h.ns, err, out)
		}
		if exec.Command("ip", "link", "show", h.rootDev).Run() == nil {
			_ = exec.Command("ip", "link", "del", h.rootDev).Run()
		}
	})
	for _, args := range [][]string{
		{"netns", "add", h.ns},
		{"link", "add", h.rootDev, "type", "veth", "peer", "name", h.nsDev},
		{"link", "set", h.nsDev, "netns", h.ns},
		{"addr", "add", h.local + "/30", "dev", h.rootDev},
		{"link", "set", h.rootDev, "up"},
		{"-n", h.ns, "addr", "add", h.peer + "/30", "dev", h.nsDev},
		{"-n", h.ns, "link", "set", h.nsDev, "up"},
		{"-n", h.ns, "link", "set", "lo", "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v %s", strings.Join(args, " "), err, out)
		}
	}
	return h
}

// setLink cuts (false) or restores the link, at the remote machine's end.
func (h *twoHosts) setLink(t *testing.T, up bool) {
	t.Helper()
	state := map[bool]string{true: "up", false: "down"}[up]
	if out, err := exec.Command("ip", "-n", h.ns, "link", "set", h.nsDev, state).CombinedOutput(); err != nil {
		t.Fatalf("ip link set %s %s: %v %s", h.nsDev, state, err, out)
	}
}

// TestAnywhereAgentAcrossNamespaces: `ecsmini agent` in another network namespace,
// reaching ecsmini only through the veth addresses, joins as an external instance and
// runs a service's task on its Docker Engine, whose health check results reach ecsmini
// (HEALTHY, and UNHEALTHY for a task whose check fails). Cutting the link makes the instance
// disconnected and the service replaces the task elsewhere; restoring it makes the
// agent connected again and it stops the replaced task's containers.
func TestAnywhereAgentAcrossNamespaces(t *testing.T) {
	t.Parallel()
	h := newTwoHosts(t)
	image := buildWorkloadImage(t)
	stateDir, agentDir := t.TempDir(), t.TempDir()
	secrets := filepath.Join(t.TempDir(), "secrets.json")
	if err := os.WriteFile(secrets, []byte(`{"/edge/db-pass": "s3cret-from-ecsmini"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, out, stop := startUp(t, upOptions{runtime: "docker", pauseImage: image, stateDir: stateDir, region: "us-east-1",
		listen: h.local + ":0", agentTimeout: 5 * time.Second, agentGrace: 5 * time.Second, secretsFile: secrets})
	d := &dockerTasks{addr: addr, stateDir: stateDir, image: image, out: out, down: new(atomic.Bool), stop: stop,
		ecs: sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
			Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("up returned %v\n%s", err, out)
		}
		for _, dir := range []string{stateDir, agentDir} {
			if ids, _ := exec.Command("docker", "ps", "-aq", "--filter", "label=ecsmini.state-dir="+dir).Output(); len(strings.TrimSpace(string(ids))) > 0 {
				t.Errorf("containers of %s left behind: %s", dir, ids)
				_ = exec.Command("docker", append([]string{"rm", "-f"}, strings.Fields(string(ids))...)...).Run()
			}
		}
	})
	d = d.inCluster(t, "edge-"+randomHex(t))
	if !strings.Contains(out.String(), "ecsmini agent --endpoint http://"+addr) {
		t.Errorf("up listening on %s printed no join command:\n%s", addr, out)
	}
	token, err := os.ReadFile(filepath.Join(stateDir, "agent-token"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(cli(t, addr, false, "instance", "join-token")); got != strings.TrimSpace(string(token)) {
		t.Fatalf("join-token printed %q, want the state directory's token", got)
	}

	// The remote machine: the agent in the namespace, which reaches only h.local. Its
	// Docker Engine is the root namespace's, so its metadata server listens on the
	// namespace's address, which host-network containers reach through the veth.
	agentArgs := []string{"netns", "exec", h.ns, ecsminiBinary(t), "agent", "--endpoint", "http://" + addr,
		"--cluster", d.cluster, "--token", strings.TrimSpace(string(token)), "--state-dir", agentDir, "--name", "edge-1",
		"--metadata-address", h.peer}
	agent := startRemoteAgent(t, agentArgs)
	remote := d.waitInstance(t, "the agent registers", 30*time.Second, func(ci types.ContainerInstance) bool {
		return strings.HasPrefix(aws.ToString(ci.Ec2InstanceId), "mi-") && ci.AgentConnected
	})

	app := d.web("app")
	app.HealthCheck = healthCheck(1)
	def := ec2("edge-web", types.NetworkModeBridge, app)
	def.RequiresCompatibilities = []types.Compatibility{types.CompatibilityExternal}
	td := d.register(t, def)
	d.createService(t, "web", td, 1, func(in *sdkecs.CreateServiceInput) {
		in.LaunchType, in.NetworkConfiguration = types.LaunchTypeExternal, nil
	})
	d.waitService(t, "web", "runs its task on the agent", 90*time.Second, func(s *types.Service) bool { return s.RunningCount == 1 })
	first := d.serviceTasks(t, "web", types.DesiredStatusRunning)[0]
	if aws.ToString(first.ContainerInstanceArn) != remote {
		t.Fatalf("task placed on %s, want the agent's instance %s", aws.ToString(first.ContainerInstanceArn), remote)
	}
	c := containerOf(t, &first, "app")
	if got := dockerCLI(t, "inspect", "--format", `{{index .Config.Labels "ecsmini.state-dir"}}`, aws.ToString(c.RuntimeId)); strings.TrimSpace(got) != agentDir {
		t.Fatalf("the task's container %s belongs to %q, want the agent's %s", aws.ToString(c.RuntimeId), got, agentDir)
	}
	started := inspectState(t, aws.ToString(c.RuntimeId)).StartedAt
	// Its health check runs on the machine's engine; the result reaches ecsmini.
	d.waitFor(t, first, "HEALTHY", 60*time.Second, func(tk *types.Task) bool {
		return string(tk.HealthStatus) == "HEALTHY" && string(containerOf(t, tk, "app").HealthStatus) == "HEALTHY"
	})

	// The agent crashes and comes back: the same instance, and it adopts the running
	// container rather than starting the task again.
	agent.kill(t)
	agent = startRemoteAgent(t, agentArgs)
	if again := d.waitInstance(t, "is connected after the restart", 30*time.Second, func(ci types.ContainerInstance) bool {
		return strings.HasPrefix(aws.ToString(ci.Ec2InstanceId), "mi-") && ci.AgentConnected
	}); again != remote {
		t.Fatalf("restarted agent registered %s, want its instance %s", again, remote)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(agent.out.String(), "adopted a task"); {
		if time.Now().After(deadline) {
			t.Fatalf("the restarted agent adopted nothing:\n%s", agent.out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if st := inspectState(t, aws.ToString(c.RuntimeId)); !st.Running || !st.StartedAt.Equal(started) {
		t.Fatalf("the task's container after the agent's restart: %+v (started %v before)", st, started)
	}
	if got := d.describeAll(t, []string{aws.ToString(first.TaskArn)}); aws.ToString(got[0].LastStatus) != "RUNNING" {
		t.Fatalf("task after the agent's restart: %s", summarize(&got[0]))
	}

	// A standalone task on the machine whose health check fails shows UNHEALTHY; stopped
	// through the API, the agent hears of the stop on its next poll and reports the
	// container's exit.
	sick := d.web("app", "--unhealthy")
	sick.HealthCheck = healthCheck(1)
	sickDef := ec2("edge-sick", types.NetworkModeBridge, sick)
	sickDef.RequiresCompatibilities = []types.Compatibility{types.CompatibilityExternal}
	solo := d.run(t, sickDef, 1, func(in *sdkecs.RunTaskInput) {
		in.LaunchType, in.NetworkConfiguration = types.LaunchTypeExternal, nil
		in.PlacementConstraints = []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:ecsmini.agent-name == edge-1")}}
	})[0]
	d.waitRunning(t, 60*time.Second, solo)
	d.waitFor(t, solo, "UNHEALTHY", 60*time.Second, func(tk *types.Task) bool {
		return string(tk.HealthStatus) == "UNHEALTHY" && string(containerOf(t, tk, "app").HealthStatus) == "UNHEALTHY"
	})
	d.stopTask(t, solo, "done with it")
	stopped := d.waitStopped(t, 60*time.Second, solo)[0]
	if sc := containerOf(t, &stopped, "app"); sc.ExitCode == nil || aws.ToString(stopped.StoppedReason) != "done with it" || stopped.StopCode != types.TaskStopCodeUserInitiated {
		t.Fatalf("stopped remote task: %s", summarize(&stopped))
	}

	remoteTaskSources(t, d, addr, h.peer)

	// Cut the link: the instance shows disconnected; a second (simulated) external
	// instance takes the replacement after the grace.
	h.setLink(t, false)
	d.waitInstance(t, "shows the agent disconnected", 30*time.Second, func(ci types.ContainerInstance) bool {
		return aws.ToString(ci.ContainerInstanceArn) == remote && !ci.AgentConnected
	})
	if o := cli(t, addr, false, "instance", "add", "--external", "--cluster", d.cluster); !strings.Contains(o, "added external instance mi-") {
		t.Fatalf("instance add --external: %s", o)
	}
	d.waitFor(t, first, "stopped after the grace", 30*time.Second, func(tk *types.Task) bool { return aws.ToString(tk.LastStatus) == "STOPPED" })
	d.waitService(t, "web", "replaces the task elsewhere", 90*time.Second, func(s *types.Service) bool {
		running := d.serviceTasks(t, "web", types.DesiredStatusRunning)
		return s.RunningCount == 1 && len(running) == 1 && aws.ToString(running[0].ContainerInstanceArn) != remote &&
			aws.ToString(running[0].LastStatus) == "RUNNING"
	})
	if state := inspectState(t, aws.ToString(c.RuntimeId)); !state.Running {
		t.Fatalf("the cut-off machine's container stopped while it could not hear ecsmini: %+v", state)
	}

	// Restore it: connected again, and the agent stops the replaced task's container.
	h.setLink(t, true)
	d.waitInstance(t, "shows the agent connected again", 60*time.Second, func(ci types.ContainerInstance) bool {
		return aws.ToString(ci.ContainerInstanceArn) == remote && ci.AgentConnected
	})
	deadline := time.Now().Add(60 * time.Second)
	for inspectState(t, aws.ToString(c.RuntimeId)).Running {
		if time.Now().After(deadline) {
			t.Fatalf("the replaced task's container still runs after the agent reconnected:\n%s", agent.out)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := d.describeAll(t, []string{aws.ToString(first.TaskArn)}); aws.ToString(got[0].LastStatus) != "STOPPED" {
		t.Fatalf("replaced task came back as %s", aws.ToString(got[0].LastStatus))
	}
	d.deleteService(t, "web")
}

// remoteAgent is a running `ecsmini agent` process.
type remoteAgent struct {
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan error
	ended bool // killed and reaped (kill runs on the test's goroutine, as cleanup does)
}

// startRemoteAgent runs `ip args...` (ip netns exec NS ecsmini agent ...); when t ends
// the agent is asked to stop (it stops its tasks) and, failing that, killed.
func startRemoteAgent(t *testing.T, args []string) *remoteAgent {
	t.Helper()
	a := &remoteAgent{cmd: exec.Command("ip", args...), out: &syncBuffer{}, done: make(chan error, 1)}
	a.cmd.Stdout, a.cmd.Stderr = a.out, a.out
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		if a.ended {
			return
		}
		_ = a.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(45 * time.Second):
			_ = a.cmd.Process.Kill()
			<-a.done
			t.Errorf("agent did not stop within 45s:\n%s", a.out)
		}
	})
	return a
}

// kill ends the agent at once, as a crash would.
func (a *remoteAgent) kill(t *testing.T) {
	t.Helper()
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-a.done
	a.ended = true
}

// waitInstance waits until one of the cluster's container instances satisfies cond and
// returns its ARN.
func (d *dockerTasks) waitInstance(t *testing.T, what string, within time.Duration, cond func(types.ContainerInstance) bool) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		list, err := d.ecs.ListContainerInstances(tctx(t, 10*time.Second), &sdkecs.ListContainerInstancesInput{Cluster: aws.String(d.cluster)})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.ContainerInstanceArns) > 0 {
			got, err := d.ecs.DescribeContainerInstances(tctx(t, 10*time.Second), &sdkecs.DescribeContainerInstancesInput{
				Cluster: aws.String(d.cluster), ContainerInstances: list.ContainerInstanceArns})
			if err != nil {
				t.Fatal(err)
			}
			for _, ci := range got.ContainerInstances {
				if cond(ci) {
					return aws.ToString(ci.ContainerInstanceArn)
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no container instance %s within %v", what, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// remoteTaskSources: a task on the remote machine reads its v4 metadata and its role's
// credentials from the agent's metadata server (at peer), has its secret from ecsmini's
// --secrets-file in its environment, and its awslogs line is read back from ecsmini's
// CloudWatch Logs with the AWS CLI.
func remoteTaskSources(t *testing.T, d *dockerTasks, addr, peer string) {
	group := "/ecs/edge-" + randomHex(t)
	app := withAWSLogs(d.workloadDef("app", "--log", "hello from the edge"), group, true)
	app.Secrets = []types.Secret{{Name: aws.String("DB_PASS"), ValueFrom: aws.String("/edge/db-pass")}}
	def := ec2("edge-sources", types.NetworkModeHost, app)
	def.RequiresCompatibilities = []types.Compatibility{types.CompatibilityExternal}
	def.TaskRoleArn = aws.String("arn:aws:iam::000000000000:role/edge-app")
	tk := d.run(t, def, 1, func(in *sdkecs.RunTaskInput) { in.LaunchType, in.NetworkConfiguration = types.LaunchTypeExternal, nil })[0]
	tk = d.waitRunning(t, 60*time.Second, tk)[0]
	arn := aws.ToString(tk.TaskArn)
	id := aws.ToString(containerOf(t, &tk, "app").RuntimeId)
	env := containerEnv(t, id)
	if env["DB_PASS"] != "s3cret-from-ecsmini" {
		t.Errorf("DB_PASS=%q, want the value of ecsmini's --secrets-file", env["DB_PASS"])
	}
	probe := func(url string) string {
		t.Helper()
		out, err := exec.Command("docker", "exec", id, "/ecsmini", "workload", "probe", "--print", url).CombinedOutput()
		if err != nil {
			t.Fatalf("%s from inside the remote task: %v\n%s", url, err, out)
		}
		return string(out)
	}
	meta := env["ECS_CONTAINER_METADATA_URI_V4"]
	if !strings.HasPrefix(meta, "http://"+peer+":") {
		t.Errorf("ECS_CONTAINER_METADATA_URI_V4=%q, want the agent's server at %s", meta, peer)
	}
	if page := probe(meta + "/task"); !strings.Contains(page, `"TaskARN":"`+arn+`"`) && !strings.Contains(page, arn) {
		t.Errorf("task metadata from the agent lacks %s:\n%s", arn, page)
	}
	creds := probe(env["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
	if !strings.Contains(creds, `"AccessKeyId":"ASIA`) || !strings.Contains(creds, "edge-app") {
		t.Errorf("credentials from the agent:\n%s", creds)
	}
	stream := "ecs/app/" + arn[strings.LastIndexByte(arn, '/')+1:]
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := awsCLI(t, tctx(t, 30*time.Second), "logs", "get-log-events", "--endpoint-url", "http://"+addr,
			"--log-group-name", group, "--log-stream-name", stream, "--start-from-head", "--query", "events[].message", "--output", "text")
		if strings.Count(got, "hello from the edge") == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("aws logs get-log-events %s %s: %q, want the line once", group, stream, got)
		}
		time.Sleep(500 * time.Millisecond)
	}
	d.stopTask(t, tk, "done")
	d.waitStopped(t, 60*time.Second, tk)
}
