//go:build docker

package cli

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestTasksOnDocker is the docker tier of the task lifecycle (issue 3's proof): ECS
// tasks run by `ecsmini up --runtime docker` as real containers of a locally built
// workload image, driven through the official SDK and plain HTTP. The scenarios run in
// parallel on one ecsmini (the shutdown scenario on one of its own). Each checks that
// its stopped tasks left no container; when ecsmini stops, nothing it created for its
// state directory may remain. Without a Docker Engine the test fails.
func TestTasksOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startDockerUp(t, image, t.TempDir(), "tasks-"+randomHex(t))

	scenarios := []struct {
		name string
		run  func(t *testing.T, d *dockerTasks)
	}{
		{"run, serve, stop", testRunServeStop},
		{"essential exit stops the task", testEssentialExit},
		{"non-essential exit keeps the task", testNonEssentialExit},
		{"dependsOn conditions order starts", testDependsOn},
		{"health checks", testHealth},
		{"stop timeout", testStopTimeout},
		{"OOM", testOOM},
		{"awsvpc containers share localhost", testSharedLocalhost},
		{"three tasks on one port", testThreeTasksOnePort},
		{"metadata and credentials inside", testMetadataAndCredentials},
		{"missing image", testMissingImage},
		{"bridge and host networking", testBridgeAndHost},
	}
	t.Run("scenarios", func(t *testing.T) {
		for _, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				s.run(t, d)
				t.Logf("took %v", time.Since(start).Round(100*time.Millisecond))
			})
		}
		t.Run("shutdown stops tasks", func(t *testing.T) {
			t.Parallel()
			testShutdown(t, image)
		})
		t.Run("pause container fails to start", func(t *testing.T) {
			t.Parallel()
			testBrokenPause(t, image)
		})
	})
}

// run → RUNNING → GET the published port → StopTask → STOPPED, waited for with the SDK's
// waiters.
func testRunServeStop(t *testing.T, d *dockerTasks) {
	tk := d.run(t, fargate("serve", d.web("app")), 1)[0]
	running := d.waitRunning(t, 30*time.Second, tk)[0]
	app := containerOf(t, &running, "app")
	switch {
	case running.StartedAt == nil || running.PullStartedAt == nil || running.PullStoppedAt == nil || running.ConnectivityAt == nil:
		t.Errorf("RUNNING task lacks timestamps:\n%s", summarize(&running))
	case aws.ToString(app.LastStatus) != "RUNNING" || aws.ToString(app.RuntimeId) == "":
		t.Errorf("app container not RUNNING with a runtime id:\n%s", summarize(&running))
	case running.Connectivity != types.ConnectivityConnected:
		t.Errorf("connectivity %q", running.Connectivity)
	}
	// The ENI's address is the pause container's real one on the cluster's network.
	pause := pauseContainer(t, aws.ToString(tk.TaskArn))
	if pause == "" {
		t.Fatalf("no running pause container for the awsvpc task")
	}
	// The pause container is on exactly one network: its cluster's.
	pauseIP := dockerCLI(t, "inspect", "-f", `{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}`, pause)
	if ip := attachmentDetail(running, "privateIPv4Address"); net.ParseIP(ip) == nil || ip != pauseIP {
		t.Errorf("ENI attachment privateIPv4Address %q, want the pause container's address %q: %+v", ip, pauseIP, running.Attachments)
	}
	if st := inspectState(t, aws.ToString(app.RuntimeId)); !st.Running {
		t.Errorf("engine reports the app container %s", st.Status)
	}
	// The task network carries the labels the leftovers check looks for.
	// It is named per ecsmini instance (a hash of the state dir) and cluster.
	nets := dockerCLI(t, "network", "ls", "--format", "{{.Name}}", "--filter", "label=ecsmini.managed=true", "--filter", "label=ecsmini.state-dir="+d.stateDir)
	if !strings.HasPrefix(nets, "ecsmini-") || !strings.HasSuffix(nets, "-"+d.cluster) {
		t.Errorf("task network of cluster %s with the state dir's labels: %q", d.cluster, nets)
	}
	port := hostPort(t, &running, "app")
	if body := get(t, fmt.Sprintf("http://127.0.0.1:%d/health", port)); strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /health = %q", body)
	}

	d.stopTask(t, tk, "")
	stopped := d.waitStopped(t, 20*time.Second, tk)[0]
	app = containerOf(t, &stopped, "app")
	switch {
	case stopped.StopCode != types.TaskStopCodeUserInitiated:
		t.Errorf("stopCode %q, want UserInitiated", stopped.StopCode)
	case aws.ToString(stopped.StoppedReason) != "Task stopped by user":
		t.Errorf("stoppedReason %q", aws.ToString(stopped.StoppedReason))
	case exitCode(app) != "0":
		t.Errorf("app exitCode %s, want 0 (SIGTERM handled)", exitCode(app))
	case stopped.StoppingAt == nil || stopped.StoppedAt == nil || stopped.ExecutionStoppedAt == nil:
		t.Errorf("STOPPED task lacks timestamps:\n%s", summarize(&stopped))
	case stopped.StoppedAt.Before(*stopped.StoppingAt) || stopped.StoppingAt.Before(*stopped.StartedAt):
		t.Errorf("startedAt %v stoppingAt %v stoppedAt %v out of order", stopped.StartedAt, stopped.StoppingAt, stopped.StoppedAt)
	}
}

func attachmentDetail(tk types.Task, name string) string {
	for _, a := range tk.Attachments {
		for _, kv := range a.Details {
			if aws.ToString(kv.Name) == name {
				return aws.ToString(kv.Value)
			}
		}
	}
	return ""
}

// An essential container exiting stops the task and the task's other containers.
func testEssentialExit(t *testing.T, d *dockerTasks) {
	tk := d.run(t, fargate("essential-exit",
		d.workloadDef("app", "--exit-code", "3", "--exit-after", "2s"),
		nonEssential(d.workloadDef("sidecar"))), 1)[0]
	stopped := d.waitStopped(t, 30*time.Second, tk)[0]
	app, sidecar := containerOf(t, &stopped, "app"), containerOf(t, &stopped, "sidecar")
	switch {
	case stopped.StopCode != types.TaskStopCodeEssentialContainerExited:
		t.Errorf("stopCode %q, want EssentialContainerExited\n%s", stopped.StopCode, summarize(&stopped))
	case aws.ToString(stopped.StoppedReason) != "Essential container in task exited":
		t.Errorf("stoppedReason %q", aws.ToString(stopped.StoppedReason))
	case exitCode(app) != "3":
		t.Errorf("app exitCode %s, want 3", exitCode(app))
	case aws.ToString(sidecar.LastStatus) != "STOPPED" || exitCode(sidecar) != "0":
		t.Errorf("sidecar %s exit %s, want STOPPED by SIGTERM (0)", aws.ToString(sidecar.LastStatus), exitCode(sidecar))
	case stopped.StartedAt == nil:
		t.Errorf("the task never recorded RUNNING (startedAt):\n%s", summarize(&stopped))
	}
}

// A non-essential container exiting leaves the task RUNNING.
func testNonEssentialExit(t *testing.T, d *dockerTasks) {
	tk := d.run(t, fargate("nonessential-exit",
		d.workloadDef("app"),
		nonEssential(d.workloadDef("migrate", "--exit-code", "1", "--exit-after", "1s"))), 1)[0]
	d.waitFor(t, tk, "showing migrate exited", 30*time.Second, func(tk *types.Task) bool {
		return aws.ToString(containerOf(t, tk, "migrate").LastStatus) == "STOPPED"
	})
	// ECS would have stopped it at once; give ecsmini two seconds to get it wrong.
	time.Sleep(2 * time.Second)
	got, err := d.describe(tctx(t, 10*time.Second), aws.ToString(tk.TaskArn))
	if err != nil {
		t.Fatal(err)
	}
	app, migrate := containerOf(t, got, "app"), containerOf(t, got, "migrate")
	switch {
	case aws.ToString(got.LastStatus) != "RUNNING" || aws.ToString(got.DesiredStatus) != "RUNNING":
		t.Errorf("task %s/%s after a non-essential exit, want RUNNING/RUNNING\n%s", aws.ToString(got.LastStatus), aws.ToString(got.DesiredStatus), summarize(got))
	case exitCode(migrate) != "1":
		t.Errorf("migrate exitCode %s, want 1", exitCode(migrate))
	case aws.ToString(app.LastStatus) != "RUNNING":
		t.Errorf("app %s, want RUNNING", aws.ToString(app.LastStatus))
	}
	if st := inspectState(t, aws.ToString(app.RuntimeId)); !st.Running {
		t.Errorf("engine reports app %s", st.Status)
	}
}

// dependsOn START, COMPLETE, SUCCESS and HEALTHY: each dependent starts (by the engine's
// own StartedAt) only once its condition holds.
func testDependsOn(t *testing.T, d *dockerTasks) {
	db := d.web("db")
	db.HealthCheck = healthCheck(1)
	tk := d.run(t, fargate("depends",
		nonEssential(d.workloadDef("init", "--exit-after", "1s")),
		db,
		dependsOn(d.workloadDef("on-start"), "db", "START"),
		dependsOn(d.workloadDef("on-complete"), "init", "COMPLETE"),
		dependsOn(d.workloadDef("on-success"), "init", "SUCCESS"),
		dependsOn(d.workloadDef("on-healthy"), "db", "HEALTHY"),
	), 1)[0]
	running := d.waitRunning(t, 45*time.Second, tk)[0]
	state := map[string]containerState{}
	for _, c := range running.Containers {
		if aws.ToString(c.RuntimeId) == "" {
			t.Fatalf("container %s has no runtime id:\n%s", aws.ToString(c.Name), summarize(&running))
		}
		state[aws.ToString(c.Name)] = inspectState(t, aws.ToString(c.RuntimeId))
	}
	if c := containerOf(t, &running, "init"); exitCode(c) != "0" {
		t.Errorf("init exitCode %s, want 0", exitCode(c))
	}
	healthyAt := time.Time{}
	if h := state["db"].Health; h != nil {
		for _, l := range h.Log {
			if l.ExitCode == 0 {
				healthyAt = l.End
				break
			}
		}
	}
	if healthyAt.IsZero() {
		t.Fatalf("db has no passing health check in the engine: %+v", state["db"].Health)
	}
	for _, c := range []struct {
		name, after string
		at          time.Time
	}{
		{"on-start", "db started", state["db"].StartedAt},
		{"on-complete", "init exited", state["init"].FinishedAt},
		{"on-success", "init exited", state["init"].FinishedAt},
		{"on-healthy", "db's first passing health check", healthyAt},
	} {
		started := state[c.name].StartedAt
		if started.IsZero() || c.at.IsZero() || started.Before(c.at) {
			t.Errorf("%s started at %s, before %s at %s", c.name, started.Format(time.StampMicro), c.after, c.at.Format(time.StampMicro))
		}
	}
	if s := state["on-healthy"].StartedAt.Sub(state["db"].StartedAt); s < 4*time.Second {
		t.Errorf("on-healthy started %v after db; its first check is 5 s in", s)
	}
	if s := state["on-start"].StartedAt.Sub(state["db"].StartedAt); s > 4*time.Second {
		t.Errorf("on-start started %v after db; START needs no wait", s)
	}
}

// Health checks map onto Docker's: a passing check makes the container and the task
// HEALTHY, a failing one UNHEALTHY.
func testHealth(t *testing.T, d *dockerTasks) {
	good, bad := d.web("app"), d.web("app", "--unhealthy")
	good.HealthCheck, bad.HealthCheck = healthCheck(1), healthCheck(1)
	tasks := []types.Task{d.run(t, fargate("healthy", good), 1)[0], d.run(t, fargate("unhealthy", bad), 1)[0]}
	for i, want := range []string{"HEALTHY", "UNHEALTHY"} {
		got := d.waitFor(t, tasks[i], want, 30*time.Second, func(tk *types.Task) bool {
			return string(tk.HealthStatus) == want && string(containerOf(t, tk, "app").HealthStatus) == want
		})
		if s := aws.ToString(got.LastStatus); s != "RUNNING" {
			t.Errorf("%s task is %s, want RUNNING", want, s)
		}
		if st := inspectState(t, aws.ToString(containerOf(t, got, "app").RuntimeId)); st.Health == nil || strings.ToUpper(st.Health.Status) != want {
			t.Errorf("engine health %+v, want %s", st.Health, want)
		}
	}
}

// A container that ignores SIGTERM is killed after its stopTimeout, not before; one that
// handles it stops at once.
func testStopTimeout(t *testing.T, d *dockerTasks) {
	stubborn := d.workloadDef("app", "--ignore-sigterm")
	stubborn.StopTimeout = aws.Int32(3)
	polite := d.workloadDef("app")
	polite.StopTimeout = aws.Int32(3)
	tasks := []types.Task{d.run(t, fargate("stubborn", stubborn), 1)[0], d.run(t, fargate("polite", polite), 1)[0]}
	running := d.waitRunning(t, 30*time.Second, tasks...)
	for i := range running {
		waitLogs(t, aws.ToString(containerOf(t, &running[i], "app").RuntimeId), "workload: started", 10*time.Second)
	}

	// Stop both at once, then watch: the stubborn one must still run halfway through its
	// grace period, having been sent SIGTERM, and be killed once it is over.
	start := make([]time.Time, 2)
	for i := range tasks {
		start[i] = time.Now()
		d.stopTask(t, tasks[i], "")
	}
	took := make([]time.Duration, 2)
	stopped := make([]*types.Task, 2)
	checked := false
	deadline := time.Now().Add(20 * time.Second)
	for stopped[0] == nil || stopped[1] == nil {
		for i := range tasks {
			if stopped[i] != nil {
				continue
			}
			tk, err := d.describe(tctx(t, 10*time.Second), aws.ToString(tasks[i].TaskArn))
			if err != nil {
				t.Fatal(err)
			}
			if aws.ToString(tk.LastStatus) == "STOPPED" {
				stopped[i], took[i] = tk, time.Since(start[i])
			}
		}
		if !checked && time.Since(start[0]) > 1500*time.Millisecond {
			checked = true
			id := aws.ToString(containerOf(t, &running[0], "app").RuntimeId)
			if st := inspectState(t, id); !st.Running {
				t.Errorf("stubborn container %s 1.5 s into its 3 s stop timeout", st.Status)
			}
			if logs := dockerCLI(t, "logs", id); !strings.Contains(logs, "workload: received SIGTERM, ignoring") {
				t.Errorf("stubborn container was not sent SIGTERM first; logs:\n%s", logs)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks not STOPPED 20 s after StopTask:\n%s", d.summaries(arnsOf(tasks)))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c := containerOf(t, stopped[0], "app"); exitCode(c) != "137" {
		t.Errorf("stubborn exitCode %s, want 137 (SIGKILL)", exitCode(c))
	}
	if took[0] < 3*time.Second || took[0] > 12*time.Second {
		t.Errorf("stubborn task stopped %v after StopTask, want its 3 s stopTimeout (and a little)", took[0])
	}
	if c := containerOf(t, stopped[1], "app"); exitCode(c) != "0" {
		t.Errorf("polite exitCode %s, want 0", exitCode(c))
	}
	if took[1] > 2500*time.Millisecond {
		t.Errorf("polite task took %v to stop; it exits on SIGTERM", took[1])
	}
	t.Logf("stop took %v ignoring SIGTERM (stopTimeout 3 s), %v handling it", took[0].Round(10*time.Millisecond), took[1].Round(10*time.Millisecond))
}

// A container above its hard memory limit is OOM-killed and ECS says so.
func testOOM(t *testing.T, d *dockerTasks) {
	hog := d.workloadDef("app", "--allocate-mb", "128")
	hog.Memory = aws.Int32(32)
	tk := d.run(t, fargate("oom", hog), 1)[0]
	stopped := d.waitStopped(t, 30*time.Second, tk)[0]
	app := containerOf(t, &stopped, "app")
	switch {
	case aws.ToString(app.Reason) != "OutOfMemoryError: Container killed due to memory usage":
		t.Errorf("container reason %q\n%s", aws.ToString(app.Reason), summarize(&stopped))
	case exitCode(app) != "137":
		t.Errorf("exitCode %s, want 137", exitCode(app))
	case stopped.StopCode != types.TaskStopCodeEssentialContainerExited:
		t.Errorf("stopCode %q", stopped.StopCode)
	}
}

// awsvpc containers share one network namespace: a container reaches its neighbour on
// 127.0.0.1. The client is non-essential and its probe's exit code 0 is the proof.
func testSharedLocalhost(t *testing.T, d *dockerTasks) {
	client := nonEssential(d.workloadDef("client"))
	client.Command = []string{"workload", "probe", "--timeout", "2s", "http://127.0.0.1:8080/health"}
	tk := d.run(t, fargate("localhost", d.web("web"), dependsOn(client, "web", "START")), 1)[0]
	got := d.waitFor(t, tk, "showing the client exited", 30*time.Second, func(tk *types.Task) bool {
		return aws.ToString(containerOf(t, tk, "client").LastStatus) == "STOPPED"
	})
	if c := containerOf(t, got, "client"); exitCode(c) != "0" {
		t.Errorf("client's probe of web on 127.0.0.1 exited %s, want 0; its logs:\n%s", exitCode(c),
			dockerCLI(t, "logs", aws.ToString(c.RuntimeId)))
	}
	if s := aws.ToString(got.LastStatus); s != "RUNNING" {
		t.Errorf("task %s after its non-essential client exited", s)
	}
}

// Three tasks of one definition on port 8080 run at once, each on its own host port,
// and each port reaches its own task.
func testThreeTasksOnePort(t *testing.T, d *dockerTasks) {
	tasks := d.run(t, fargate("three", d.web("app")), 3)
	running := d.waitRunning(t, 45*time.Second, tasks...)
	ports := map[int32]string{}
	for i := range running {
		arn := aws.ToString(running[i].TaskArn)
		p := hostPort(t, &running[i], "app")
		if other, dup := ports[p]; dup {
			t.Fatalf("tasks %s and %s both on host port %d", other, arn, p)
		}
		ports[p] = arn
	}
	for p, arn := range ports {
		if page := get(t, fmt.Sprintf("http://127.0.0.1:%d/", p)); !strings.Contains(page, arn) {
			t.Errorf("port %d does not serve task %s:\n%s", p, arn, page)
		}
	}
	for _, tk := range tasks {
		d.stopTask(t, tk, "done")
	}
	for _, tk := range d.waitStopped(t, 20*time.Second, tasks...) {
		if aws.ToString(tk.StoppedReason) != "done" || tk.StopCode != types.TaskStopCodeUserInitiated {
			t.Errorf("stopped with %s %q, want UserInitiated \"done\"", tk.StopCode, aws.ToString(tk.StoppedReason))
		}
	}
}

// From inside a container: the workload page shows the task's metadata (fetched from
// ECS_CONTAINER_METADATA_URI_V4), and the credentials URI of the task role answers,
// while a made-up one does not.
func testMetadataAndCredentials(t *testing.T, d *dockerTasks) {
	def := fargate("inside", d.web("app"))
	def.TaskRoleArn = aws.String("arn:aws:iam::000000000000:role/app-role")
	tk := d.waitRunning(t, 30*time.Second, d.run(t, def, 1)[0])[0]
	arn := aws.ToString(tk.TaskArn)
	page := get(t, fmt.Sprintf("http://127.0.0.1:%d/", hostPort(t, &tk, "app")))
	if !strings.Contains(page, `"TaskARN"`) || !strings.Contains(page, arn) {
		t.Errorf("the workload page lacks the task's metadata (TaskARN %s):\n%s", arn, page)
	}
	id := aws.ToString(containerOf(t, &tk, "app").RuntimeId)
	env := containerEnv(t, id)
	for k, want := range map[string]string{"AWS_EXECUTION_ENV": "AWS_ECS_FARGATE", "AWS_REGION": "us-east-1"} {
		if env[k] != want {
			t.Errorf("%s=%q, want %q", k, env[k], want)
		}
	}
	uri := env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
	if uri == "" {
		t.Fatalf("a task with a role has no AWS_CONTAINER_CREDENTIALS_FULL_URI: %v", env)
	}
	if out, err := exec.Command("docker", "exec", id, "/ecsmini", "workload", "probe", uri).CombinedOutput(); err != nil {
		t.Errorf("credentials %s from inside the container: %v\n%s", uri, err, out)
	}
	if out, err := exec.Command("docker", "exec", id, "/ecsmini", "workload", "probe", uri+"x").CombinedOutput(); err == nil {
		t.Errorf("a made-up credentials URI answered from inside the container:\n%s", out)
	}
	if out, err := exec.Command("docker", "exec", id, "/ecsmini", "workload", "probe", env["ECS_CONTAINER_METADATA_URI_V4"]+"/task").CombinedOutput(); err != nil {
		t.Errorf("metadata /task from inside the container: %v\n%s", err, out)
	}
}

// An image that is neither present nor pullable (offline) fails the task at once with
// CannotPullContainerError.
func testMissingImage(t *testing.T, d *dockerTasks) {
	cd := d.workloadDef("app")
	cd.Image = aws.String("ecsmini-missing-" + randomHex(t) + ":latest")
	start := time.Now()
	tk := d.run(t, fargate("missing", cd), 1)[0]
	stopped := d.waitStopped(t, 30*time.Second, tk)[0]
	took := time.Since(start)
	app := containerOf(t, &stopped, "app")
	switch {
	case stopped.StopCode != types.TaskStopCodeTaskFailedToStart:
		t.Errorf("stopCode %q, want TaskFailedToStart\n%s", stopped.StopCode, summarize(&stopped))
	case !strings.HasPrefix(aws.ToString(stopped.StoppedReason), "CannotPullContainerError"):
		t.Errorf("stoppedReason %q, want CannotPullContainerError: ...", aws.ToString(stopped.StoppedReason))
	case !strings.HasPrefix(aws.ToString(app.Reason), "CannotPullContainerError"):
		t.Errorf("container reason %q", aws.ToString(app.Reason))
	case took > 15*time.Second:
		t.Errorf("took %v to give up on the image", took)
	}
}

// bridge: hostPort 0 gets a dynamic host port that answers; host: the container uses
// the host's network. Both reach the metadata endpoint.
func testBridgeAndHost(t *testing.T, d *dockerTasks) {
	bridged := d.web("app")
	bridged.PortMappings[0].HostPort = aws.Int32(0)
	port := freePort(t)
	tasks := []types.Task{
		d.run(t, ec2("bridged", types.NetworkModeBridge, bridged), 1)[0],
		d.run(t, ec2("hosted", types.NetworkModeHost, d.workloadDef("app", "--listen", fmt.Sprintf("127.0.0.1:%d", port))), 1)[0],
	}
	running := d.waitRunning(t, 30*time.Second, tasks...)
	bridgePort := hostPort(t, &running[0], "app")
	if bridgePort == 8080 {
		t.Errorf("bridge hostPort 0 was published on 8080, not a dynamic port")
	}
	pages := []string{get(t, fmt.Sprintf("http://127.0.0.1:%d/", bridgePort)), get(t, fmt.Sprintf("http://127.0.0.1:%d/", port))}
	envs := make([]map[string]string, 2)
	for i := range running {
		envs[i] = containerEnv(t, aws.ToString(containerOf(t, &running[i], "app").RuntimeId))
		if envs[i]["AWS_EXECUTION_ENV"] != "AWS_ECS_EC2" {
			t.Errorf("%s task AWS_EXECUTION_ENV=%q", aws.ToString(tasks[i].Group), envs[i]["AWS_EXECUTION_ENV"])
		}
	}
	if !strings.Contains(pages[1], aws.ToString(running[1].TaskArn)) {
		t.Errorf("host task's page lacks its metadata:\n%s", pages[1])
	}
	t.Run("bridge task reaches the metadata endpoint", func(t *testing.T) {
		// Docker 20.10 reports the default bridge without its gateway; ecsmini still finds it.
		if envs[0]["ECS_CONTAINER_METADATA_URI_V4"] == "" {
			t.Fatal("bridge container has no ECS_CONTAINER_METADATA_URI_V4")
		}
		if !strings.Contains(pages[0], aws.ToString(running[0].TaskArn)) {
			t.Errorf("bridge task's page lacks its metadata:\n%s", pages[0])
		}
	})
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Stopping `up` stops its tasks: they are recorded STOPPED (TerminationNotice), which a
// restarted ecsmini on the same state shows, and no container remains.
func testShutdown(t *testing.T, image string) {
	dir := t.TempDir()
	d := startDockerUp(t, image, dir, "shutdown-"+randomHex(t))
	tk := d.waitRunning(t, 30*time.Second, d.run(t, fargate("shutdown", d.web("app")), 1)[0])[0]
	arn := aws.ToString(tk.TaskArn)
	// RUNNING means the process started, as on ECS; the workload handles SIGTERM once it
	// says so (a signal earlier than that ends any Go program with code 2).
	waitForLog(t, tctx(t, 10*time.Second), aws.ToString(containerOf(t, &tk, "app").RuntimeId), "workload: started")
	start := time.Now()
	if err := d.stop(); err != nil {
		t.Fatalf("up returned %v", err)
	}
	t.Logf("up stopped in %v", time.Since(start).Round(10*time.Millisecond))
	if left := leftovers(dir); left != "" {
		t.Errorf("after up stopped, the engine still holds:\n%s", left)
	}

	d2 := startDockerUp(t, image, dir, d.cluster)
	got, err := d2.describe(tctx(t, 10*time.Second), arn)
	if err != nil {
		t.Fatal(err)
	}
	app := containerOf(t, got, "app")
	switch {
	case aws.ToString(got.LastStatus) != "STOPPED":
		t.Errorf("after restart the task is %s, want STOPPED\n%s", aws.ToString(got.LastStatus), summarize(got))
	case got.StopCode != types.TaskStopCodeTerminationNotice:
		t.Errorf("stopCode %q, want TerminationNotice (reason %q)", got.StopCode, aws.ToString(got.StoppedReason))
	case aws.ToString(got.StoppedReason) == "":
		t.Error("no stoppedReason")
	case exitCode(app) != "0":
		t.Errorf("app exitCode %s, want 0 (stopped gracefully)", exitCode(app))
	}
}

// An awsvpc task whose network namespace cannot be set up (a pause image with no
// workload program, so the pause container fails to start) stops with
// ResourceInitializationError, quickly, and leaves nothing behind.
func testBrokenPause(t *testing.T, image string) {
	broken := "ecsmini-tasks-test-nopause-" + randomHex(t) + ":latest"
	build := exec.Command("docker", "build", "-q", "-t", broken, "-")
	build.Stdin = strings.NewReader("FROM scratch\nLABEL ecsmini.test=broken-pause\n")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build %s: %v\n%s", broken, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("docker", "rmi", broken).CombinedOutput(); err != nil {
			t.Errorf("docker rmi %s: %v\n%s", broken, err, out)
		}
	})
	d := startDockerUp(t, broken, t.TempDir(), "nopause-"+randomHex(t))
	cd := d.web("app")
	cd.Image = aws.String(image)
	tk := d.run(t, fargate("nopause", cd), 1)[0]
	stopped := d.waitStopped(t, 20*time.Second, tk)[0]
	switch {
	case stopped.StopCode != types.TaskStopCodeTaskFailedToStart:
		t.Errorf("stopCode %q, want TaskFailedToStart\n%s", stopped.StopCode, summarize(&stopped))
	case !strings.HasPrefix(aws.ToString(stopped.StoppedReason), "ResourceInitializationError"):
		t.Errorf("stoppedReason %q, want ResourceInitializationError: ...", aws.ToString(stopped.StoppedReason))
	}
	arn := aws.ToString(tk.TaskArn)
	left, err := taskContainers(arn)
	if err != nil {
		t.Fatalf("docker ps: %v\n%s", err, left)
	}
	if left != "" {
		// Remove them, so that the leftovers checks do not report them again.
		for _, line := range strings.Split(left, "\n") {
			_ = exec.Command("docker", "rm", "-f", strings.Fields(line)[0]).Run()
		}
		t.Errorf("the task is STOPPED but its pause container, which failed to start, remains: %s", left)
	}
}
