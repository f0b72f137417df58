//go:build docker

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// dockerTasks is one `ecsmini up --runtime docker` running in-process, with an SDK
// client, a cluster of its own and the workload image the tasks run.
type dockerTasks struct {
	addr     string
	stateDir string
	image    string // the workload image; also the pause image
	cluster  string
	ecs      *sdkecs.Client
	stop     func() error // stops up; tasks then need no cleanup of their own
	down     *atomic.Bool // shared by inCluster copies: set once up is stopped
	out      *syncBuffer
}

// buildWorkloadImage packages a static ecsmini as an image with a random tag and removes
// it when t ends.
func buildWorkloadImage(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		t.Fatalf("Docker Engine required for the docker tier: %v", err)
	}
	bin := staticBinary(t)
	tag := "ecsmini-tasks-test-" + randomHex(t) + ":latest"
	t.Cleanup(func() {
		defer engine.Close()
		if err := engine.RemoveImage(context.Background(), tag); err != nil {
			t.Errorf("remove image %s: %v", tag, err)
		}
	})
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"image", "build", "--tag", tag, "--binary", bin}, &stdout, &stderr); code != 0 {
		t.Fatalf("image build: exit %d\n%s%s", code, &stdout, &stderr)
	}
	return tag
}

// startDockerUp runs `up --runtime docker` on stateDir with image as the pause image,
// creates cluster, and checks when t ends (after stopping up) that nothing ecsmini
// created for stateDir is left in the engine.
func startDockerUp(t *testing.T, image, stateDir, cluster string) *dockerTasks {
	t.Helper()
	return startServicesUp(t, image, stateDir, 0).inCluster(t, cluster)
}

// leftovers lists the containers, networks and volumes labelled as ecsmini's that belong
// to stateDir ("" when none). Scoping by state directory keeps other ecsmini instances
// on the same engine (other test runs) out of the verdict.
func leftovers(stateDir string) string {
	var b strings.Builder
	for _, kind := range [][]string{
		{"ps", "-a", "--format", "container {{.Names}} ({{.Status}})"},
		{"network", "ls", "--format", "network {{.Name}}"},
		{"volume", "ls", "--format", "volume {{.Name}}"},
	} {
		args := append(append([]string{}, kind[:len(kind)-2]...),
			"--filter", "label=ecsmini.managed=true", "--filter", "label=ecsmini.state-dir="+stateDir,
			kind[len(kind)-2], kind[len(kind)-1])
		out, err := exec.Command("docker", args...).CombinedOutput()
		if err != nil {
			fmt.Fprintf(&b, "docker %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		b.Write(bytes.TrimSpace(out))
		if len(bytes.TrimSpace(out)) > 0 {
			b.WriteByte('\n')
		}
	}
	return strings.TrimSpace(b.String())
}

// taskContainers lists the engine's containers (running or not) of a task.
func taskContainers(taskARN string) (string, error) {
	out, err := exec.Command("docker", "ps", "-a", "--filter", "label=com.amazonaws.ecs.task-arn="+taskARN,
		"--format", "{{.Names}} ({{.Status}})").CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func tctx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// workloadDef is a container definition running `ecsmini workload args...` from the
// test image.
func (d *dockerTasks) workloadDef(name string, args ...string) types.ContainerDefinition {
	return types.ContainerDefinition{Name: aws.String(name), Image: aws.String(d.image),
		Command: append([]string{"workload"}, args...)}
}

// web is a workload serving HTTP on 8080, published.
func (d *dockerTasks) web(name string, args ...string) types.ContainerDefinition {
	cd := d.workloadDef(name, append([]string{"--listen", ":8080"}, args...)...)
	cd.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(8080), Protocol: types.TransportProtocolTcp}}
	return cd
}

// healthCheck is the image's own probe of /health every 5 s (ECS's minimum interval).
func healthCheck(retries int32) *types.HealthCheck {
	return &types.HealthCheck{Command: []string{"CMD", "/ecsmini", "workload", "probe", "--timeout", "1s", "http://127.0.0.1:8080/health"},
		Interval: aws.Int32(5), Timeout: aws.Int32(2), Retries: aws.Int32(retries)}
}

func nonEssential(cd types.ContainerDefinition) types.ContainerDefinition {
	cd.Essential = aws.Bool(false)
	return cd
}

func dependsOn(cd types.ContainerDefinition, on, cond string) types.ContainerDefinition {
	cd.DependsOn = append(cd.DependsOn, types.ContainerDependency{ContainerName: aws.String(on), Condition: types.ContainerCondition(cond)})
	return cd
}

// fargate is a Fargate (awsvpc, 256 CPU units, 512 MiB) task definition.
func fargate(family string, cds ...types.ContainerDefinition) *sdkecs.RegisterTaskDefinitionInput {
	return &sdkecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: cds,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		NetworkMode:             types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512")}
}

// ec2 is an EC2 task definition in networkMode; containers get 64 MiB when they set none.
func ec2(family string, mode types.NetworkMode, cds ...types.ContainerDefinition) *sdkecs.RegisterTaskDefinitionInput {
	for i := range cds {
		if cds[i].Memory == nil {
			cds[i].Memory = aws.Int32(64)
		}
	}
	return &sdkecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: cds, NetworkMode: mode,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityEc2}}
}

// run registers def and runs count tasks of it (FARGATE with an awsvpc configuration
// when def is awsvpc, EC2 otherwise). Every task is stopped, if still running, when t
// ends, and must then have left no container behind.
func (d *dockerTasks) run(t *testing.T, def *sdkecs.RegisterTaskDefinitionInput, count int32, mod ...func(*sdkecs.RunTaskInput)) []types.Task {
	t.Helper()
	ctx := tctx(t, 20*time.Second)
	td, err := d.ecs.RegisterTaskDefinition(ctx, def)
	if err != nil {
		t.Fatalf("RegisterTaskDefinition %s: %v", aws.ToString(def.Family), err)
	}
	in := &sdkecs.RunTaskInput{Cluster: aws.String(d.cluster), TaskDefinition: td.TaskDefinition.TaskDefinitionArn,
		Count: aws.Int32(count), LaunchType: types.LaunchTypeEc2}
	if def.NetworkMode == types.NetworkModeAwsvpc {
		in.LaunchType = types.LaunchTypeFargate
		in.NetworkConfiguration = &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
			Subnets: []string{"subnet-12345678"}, SecurityGroups: []string{"sg-12345678"}}}
	}
	for _, m := range mod {
		m(in)
	}
	out, err := d.ecs.RunTask(ctx, in)
	if err != nil {
		t.Fatalf("RunTask %s: %v", aws.ToString(def.Family), err)
	}
	if len(out.Failures) > 0 || len(out.Tasks) != int(count) {
		t.Fatalf("RunTask %s: %d tasks, failures %+v", aws.ToString(def.Family), len(out.Tasks), out.Failures)
	}
	for _, tk := range out.Tasks {
		arn := aws.ToString(tk.TaskArn)
		if s := aws.ToString(tk.LastStatus); s != "PROVISIONING" {
			t.Errorf("RunTask answered lastStatus %s, want PROVISIONING", s)
		}
		t.Cleanup(func() { d.cleanupTask(t, arn) })
	}
	return out.Tasks
}

// cleanupTask stops the task if a failed test left it running, and checks the engine
// holds none of its containers once it is STOPPED.
func (d *dockerTasks) cleanupTask(t *testing.T, arn string) {
	if d.down.Load() {
		// ecsmini stopped the task on its way out; its leftovers check covers the engine.
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tk, err := d.describe(ctx, arn)
	if err != nil {
		t.Errorf("cleanup: %v", err)
		return
	}
	if aws.ToString(tk.LastStatus) != "STOPPED" {
		if aws.ToString(tk.DesiredStatus) != "STOPPED" {
			if _, err := d.ecs.StopTask(ctx, &sdkecs.StopTaskInput{Cluster: aws.String(d.cluster), Task: aws.String(arn), Reason: aws.String("test cleanup")}); err != nil {
				t.Errorf("cleanup: StopTask: %v", err)
			}
		}
		w := sdkecs.NewTasksStoppedWaiter(d.ecs, waiterDelays)
		if err := w.Wait(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: []string{arn}}, 55*time.Second); err != nil {
			t.Errorf("cleanup: task %s not STOPPED: %v", arn, err)
			return
		}
	}
	if left, err := taskContainers(arn); err != nil || left != "" {
		t.Errorf("task %s is STOPPED but the engine still has its containers: %s %v", arn, left, err)
	}
}

func waiterDelays(o *sdkecs.TasksStoppedWaiterOptions) {
	o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second
}

// waitRunning waits with the SDK's own waiter, as `aws ecs wait tasks-running` does: it
// fails as soon as a task is STOPPED.
func (d *dockerTasks) waitRunning(t *testing.T, within time.Duration, tasks ...types.Task) []types.Task {
	t.Helper()
	arns := arnsOf(tasks)
	w := sdkecs.NewTasksRunningWaiter(d.ecs, func(o *sdkecs.TasksRunningWaiterOptions) {
		o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second
	})
	ctx := tctx(t, within+5*time.Second)
	if err := w.Wait(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: arns}, within); err != nil {
		t.Fatalf("tasks not RUNNING within %v: %v\n%s", within, err, d.summaries(arns))
	}
	return d.describeAll(t, arns)
}

// waitStopped waits with the SDK's tasks-stopped waiter.
func (d *dockerTasks) waitStopped(t *testing.T, within time.Duration, tasks ...types.Task) []types.Task {
	t.Helper()
	arns := arnsOf(tasks)
	ctx := tctx(t, within+5*time.Second)
	if err := sdkecs.NewTasksStoppedWaiter(d.ecs, waiterDelays).Wait(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: arns}, within); err != nil {
		t.Fatalf("tasks not STOPPED within %v: %v\n%s", within, err, d.summaries(arns))
	}
	return d.describeAll(t, arns)
}

// waitFor polls the task every 100 ms until cond holds, failing after within.
func (d *dockerTasks) waitFor(t *testing.T, tk types.Task, what string, within time.Duration, cond func(*types.Task) bool) *types.Task {
	t.Helper()
	arn := aws.ToString(tk.TaskArn)
	deadline := time.Now().Add(within)
	for {
		got, err := d.describe(tctx(t, 10*time.Second), arn)
		if err != nil {
			t.Fatal(err)
		}
		if cond(got) {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("task not %s within %v:\n%s", what, within, summarize(got))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (d *dockerTasks) stopTask(t *testing.T, tk types.Task, reason string) *types.Task {
	t.Helper()
	in := &sdkecs.StopTaskInput{Cluster: aws.String(d.cluster), Task: tk.TaskArn}
	if reason != "" {
		in.Reason = aws.String(reason)
	}
	out, err := d.ecs.StopTask(tctx(t, 10*time.Second), in)
	if err != nil {
		t.Fatalf("StopTask: %v", err)
	}
	return out.Task
}

func (d *dockerTasks) describe(ctx context.Context, arn string) (*types.Task, error) {
	out, err := d.ecs.DescribeTasks(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: []string{arn}})
	if err != nil {
		return nil, fmt.Errorf("DescribeTasks: %w", err)
	}
	if len(out.Tasks) != 1 {
		return nil, fmt.Errorf("DescribeTasks %s: %d tasks, failures %+v", arn, len(out.Tasks), out.Failures)
	}
	return &out.Tasks[0], nil
}

func (d *dockerTasks) describeAll(t *testing.T, arns []string) []types.Task {
	t.Helper()
	out, err := d.ecs.DescribeTasks(tctx(t, 10*time.Second), &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: arns})
	if err != nil || len(out.Tasks) != len(arns) {
		t.Fatalf("DescribeTasks: %v (%d of %d tasks)", err, len(out.Tasks), len(arns))
	}
	byARN := map[string]types.Task{}
	for _, tk := range out.Tasks {
		byARN[aws.ToString(tk.TaskArn)] = tk
	}
	res := make([]types.Task, len(arns))
	for i, a := range arns {
		res[i] = byARN[a]
	}
	return res
}

func (d *dockerTasks) summaries(arns []string) string {
	var b strings.Builder
	for _, a := range arns {
		if tk, err := d.describe(context.Background(), a); err != nil {
			fmt.Fprintln(&b, err)
		} else {
			b.WriteString(summarize(tk))
		}
	}
	return b.String()
}

// summarize prints what a failing test needs to see of a task.
func summarize(tk *types.Task) string {
	var b strings.Builder
	fmt.Fprintf(&b, "task %s: %s/%s v%d health %s stopCode %q reason %q\n", aws.ToString(tk.TaskArn),
		aws.ToString(tk.LastStatus), aws.ToString(tk.DesiredStatus), tk.Version, tk.HealthStatus, tk.StopCode, aws.ToString(tk.StoppedReason))
	for _, c := range tk.Containers {
		exit := "-"
		if c.ExitCode != nil {
			exit = fmt.Sprint(*c.ExitCode)
		}
		fmt.Fprintf(&b, "  %s: %s exit %s health %s reason %q runtime %s bindings %s\n", aws.ToString(c.Name),
			aws.ToString(c.LastStatus), exit, c.HealthStatus, aws.ToString(c.Reason), aws.ToString(c.RuntimeId), bindingsOf(c))
	}
	return b.String()
}

func bindingsOf(c types.Container) string {
	var s []string
	for _, nb := range c.NetworkBindings {
		s = append(s, fmt.Sprintf("%s:%d->%d", aws.ToString(nb.BindIP), aws.ToInt32(nb.HostPort), aws.ToInt32(nb.ContainerPort)))
	}
	return strings.Join(s, ",")
}

func arnsOf(tasks []types.Task) []string {
	arns := make([]string, len(tasks))
	for i, tk := range tasks {
		arns[i] = aws.ToString(tk.TaskArn)
	}
	return arns
}

// containerOf finds a task's container by name.
func containerOf(t *testing.T, tk *types.Task, name string) types.Container {
	t.Helper()
	for _, c := range tk.Containers {
		if aws.ToString(c.Name) == name {
			return c
		}
	}
	t.Fatalf("task has no container %s:\n%s", name, summarize(tk))
	return types.Container{}
}

func exitCode(c types.Container) string {
	if c.ExitCode == nil {
		return "none"
	}
	return fmt.Sprint(*c.ExitCode)
}

// hostPort is where the container's port 8080 is published on 127.0.0.1.
func hostPort(t *testing.T, tk *types.Task, name string) int32 {
	t.Helper()
	c := containerOf(t, tk, name)
	for _, nb := range c.NetworkBindings {
		if aws.ToInt32(nb.ContainerPort) == 8080 {
			if ip := aws.ToString(nb.BindIP); ip != "127.0.0.1" {
				t.Errorf("container %s: port 8080 bound on %q, want 127.0.0.1", name, ip)
			}
			if aws.ToInt32(nb.HostPort) <= 0 {
				t.Fatalf("container %s: port 8080 has host port %d", name, aws.ToInt32(nb.HostPort))
			}
			return aws.ToInt32(nb.HostPort)
		}
	}
	t.Fatalf("container %s has no binding for port 8080:\n%s", name, summarize(tk))
	return 0
}

// get GETs url until it answers 200 (the server may still be starting), within 10 s,
// and returns the body.
func get(t *testing.T, url string) string {
	t.Helper()
	client := &http.Client{Timeout: 3 * time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := client.Get(url)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && rerr == nil {
				return string(body)
			}
			err = fmt.Errorf("%s: %v\n%s", resp.Status, rerr, body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v", url, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// containerState is docker inspect's .State of a container.
type containerState struct {
	Status     string
	Running    bool
	OOMKilled  bool
	ExitCode   int
	StartedAt  time.Time
	FinishedAt time.Time
	Health     *struct {
		Status string
		Log    []struct {
			Start, End time.Time
			ExitCode   int
		}
	}
}

func inspectState(t *testing.T, id string) containerState {
	t.Helper()
	var st containerState
	out := dockerCLI(t, "inspect", "-f", "{{json .State}}", id)
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("docker inspect %s: %v\n%s", id, err, out)
	}
	return st
}

// containerEnv is a container's environment as the engine holds it.
func containerEnv(t *testing.T, id string) map[string]string {
	t.Helper()
	var env []string
	if err := json.Unmarshal([]byte(dockerCLI(t, "inspect", "-f", "{{json .Config.Env}}", id)), &env); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// dockerCLI runs the docker CLI (at most 30 s) and returns its trimmed stdout.
func dockerCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return docker(t, ctx, args...)
}

// waitLogs waits until the container's logs contain want.
func waitLogs(t *testing.T, id, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		logs := dockerCLI(t, "logs", id)
		if strings.Contains(logs, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("container %s never logged %q; logs:\n%s", id, want, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pauseContainer is the ID of the awsvpc task's pause container, "" when it has none:
// its containers name it in the ecsmini.pause-id label (a warm one from the pool carries
// no task labels, so it is not found by the task ARN).
func pauseContainer(t *testing.T, taskARN string) string {
	t.Helper()
	ids := dockerCLI(t, "ps", "-a", "--filter", "label=com.amazonaws.ecs.task-arn="+taskARN, "--format", `{{.Label "ecsmini.pause-id"}}`)
	for _, id := range strings.Fields(ids) {
		if id != "" {
			return id
		}
	}
	return ""
}
