//go:build docker

package cli

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestRestartFaultsOnDocker is the Docker tier of what survives a crash of ecsmini
// (issue 14, items 3 and 4): `ecsmini up` runs as a process that is killed with
// SIGKILL while its tasks run, and started again on the same state directory.
func TestRestartFaultsOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	t.Run("endpoints keep their port", func(t *testing.T) {
		t.Parallel()
		testEndpointsKeepTheirPort(t, image)
	})
	t.Run("exit while down", func(t *testing.T) {
		t.Parallel()
		testExitWhileDown(t, image)
	})
}

// probeInside checks from inside the container that url answers.
func probeInside(t *testing.T, containerID, what, url string) {
	t.Helper()
	if out, err := exec.Command("docker", "exec", containerID, "/ecsmini", "workload", "probe", url).CombinedOutput(); err != nil {
		t.Errorf("%s (%s) from inside %.12s: %v\n%s", what, url, containerID, err, out)
	}
}

// With the default metadata port taken by another program, the endpoints get another
// port; after a crash the adopted containers' metadata and credentials URIs answer
// again, because the restarted ecsmini takes that same port; and when it cannot have
// it, it refuses to start, saying why.
func testEndpointsKeepTheirPort(t *testing.T, image string) {
	c := newCrashable(t, image)
	d := c.start().inCluster(t, "keep-port-"+randomHex(t))
	role := aws.String("arn:aws:iam::000000000000:role/app-role")
	vpc := fargate("keep-port-vpc", d.web("app"))
	vpc.TaskRoleArn = role
	bridged := d.web("app")
	bridged.PortMappings[0].HostPort = aws.Int32(0)
	br := ec2("keep-port-bridge", types.NetworkModeBridge, bridged)
	br.TaskRoleArn = role
	tasks := d.waitRunning(t, 60*time.Second, d.run(t, vpc, 1)[0], d.run(t, br, 1)[0])
	type inside struct{ id, metadata, creds string }
	var probes []inside
	for _, tk := range tasks {
		id := aws.ToString(containerOf(t, &tk, "app").RuntimeId)
		env := containerEnv(t, id)
		// The credentials' full URI is given where ecsmini is on the task's loopback
		// (awsvpc, host); a bridge task gets the relative URI only, as on ECS.
		in := inside{id: id, metadata: env["ECS_CONTAINER_METADATA_URI_V4"] + "/task", creds: env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]}
		if tk.LaunchType == types.LaunchTypeFargate && in.creds == "" {
			t.Fatalf("the awsvpc task with a role has no credentials full URI: %v", env)
		}
		if strings.Contains(in.metadata, ":"+strconv.Itoa(c.metadataPort)+"/") {
			t.Fatalf("metadata URI %s uses the port another program holds", in.metadata)
		}
		probeInside(t, id, "metadata before the crash", in.metadata)
		if in.creds != "" {
			probeInside(t, id, "credentials before the crash", in.creds)
		}
		probes = append(probes, in)
	}
	saved, err := loadMetadataPort(c.stateDir)
	if err != nil || saved == 0 || saved == c.metadataPort {
		t.Fatalf("saved metadata port %d (%v)", saved, err)
	}
	check := func(when string) {
		t.Helper()
		for _, p := range probes {
			probeInside(t, p.id, "metadata "+when, p.metadata)
			if p.creds != "" {
				probeInside(t, p.id, "credentials "+when, p.creds)
			}
		}
	}

	c.kill()
	d = c.start().inCluster(t, d.cluster)
	for _, tk := range d.describeAll(t, arnsOf(tasks)) {
		if s := aws.ToString(tk.LastStatus); s != "RUNNING" {
			t.Fatalf("after the restart a task is %s, want RUNNING (adopted)\n%s", s, summarize(&tk))
		}
	}
	check("after a restart")

	// Another program takes the saved port while ecsmini is down: it refuses to start.
	c.kill()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", saved))
	if err != nil {
		t.Fatalf("taking port %d: %v", saved, err)
	}
	code, out := c.startFails()
	ln.Close()
	if code == 0 || !strings.Contains(out, fmt.Sprintf("port %d", saved)) || !strings.Contains(out, "ecsmini down --state-dir") {
		t.Errorf("with the saved port taken: exit %d, want non-zero and a message naming port %d:\n%s", code, saved, out)
	}
	for _, p := range probes {
		if st := inspectState(t, p.id); !st.Running {
			t.Errorf("a refused start touched the previous run's container %.12s: %s", p.id, st.Status)
		}
	}

	// Once the port is free again, the next start adopts the tasks again.
	c.start().inCluster(t, d.cluster)
	check("after a refused start and another restart")
}

// A container that exits while ecsmini is down is reported, when it is back, as ECS
// reports an essential container's exit (stop code, exit code, times), then removed;
// an awsvpc task whose pause container was removed meanwhile has lost its network.
func testExitWhileDown(t *testing.T, image string) {
	c := newCrashable(t, image)
	d := c.start().inCluster(t, "exit-down-"+randomHex(t))
	exits := d.workloadDef("app", "--exit-code", "3", "--exit-after", "25s")
	tasks := d.waitRunning(t, 20*time.Second,
		d.run(t, ec2("exit-down", types.NetworkModeBridge, exits), 1)[0],
		d.run(t, fargate("pause-down", d.web("app")), 1)[0])
	id := aws.ToString(containerOf(t, &tasks[0], "app").RuntimeId)
	c.kill()
	if st := inspectState(t, id); !st.Running {
		t.Fatalf("the container exited (%s) before ecsmini was killed: the machine is too slow for this test", st.Status)
	}
	pause := pauseContainer(t, aws.ToString(tasks[1].TaskArn))
	if pause == "" {
		t.Fatal("no pause container for the awsvpc task")
	}
	dockerCLI(t, "rm", "-f", pause)
	if code := dockerCLI(t, "wait", id); code != "3" {
		t.Fatalf("docker wait: exit code %s, want 3", code)
	}
	st := inspectState(t, id)
	restart := time.Now()
	d = c.start().inCluster(t, d.cluster)

	stopped := d.waitStopped(t, 30*time.Second, tasks...)
	tk, app := stopped[0], containerOf(t, &stopped[0], "app")
	near := func(at *time.Time) bool { return at != nil && at.Sub(st.FinishedAt).Abs() < 10*time.Millisecond }
	switch {
	case tk.StopCode != types.TaskStopCodeEssentialContainerExited || aws.ToString(tk.StoppedReason) != "Essential container in task exited":
		t.Errorf("stopped with %s %q, want EssentialContainerExited\n%s", tk.StopCode, aws.ToString(tk.StoppedReason), summarize(&tk))
	case exitCode(app) != "3":
		t.Errorf("exitCode %s, want 3\n%s", exitCode(app), summarize(&tk))
	case !near(tk.StoppedAt) || !near(tk.ExecutionStoppedAt) || !near(tk.StoppingAt):
		t.Errorf("stoppedAt %v executionStoppedAt %v stoppingAt %v, want the container's finish %v", tk.StoppedAt, tk.ExecutionStoppedAt, tk.StoppingAt, st.FinishedAt)
	case !tk.StoppedAt.Before(restart) || tk.StoppedAt.Before(*tk.StartedAt):
		t.Errorf("stoppedAt %v not between startedAt %v and the restart %v", tk.StoppedAt, tk.StartedAt, restart)
	}
	if left, err := taskContainers(aws.ToString(tk.TaskArn)); err != nil || left != "" {
		t.Errorf("the exited container was not removed once reported: %s %v", left, err)
	}

	lost := stopped[1]
	reason := aws.ToString(containerOf(t, &lost, "app").Reason)
	if lost.StopCode != types.TaskStopCodeEssentialContainerExited || !strings.HasPrefix(reason, "the task's network is gone: its pause container was gone when ecsmini started again") {
		t.Errorf("awsvpc task without its pause container: %s %q, container reason %q", lost.StopCode, aws.ToString(lost.StoppedReason), reason)
	}
	if left, err := taskContainers(aws.ToString(lost.TaskArn)); err != nil || left != "" {
		t.Errorf("the task without its pause container left: %s %v", left, err)
	}
}
