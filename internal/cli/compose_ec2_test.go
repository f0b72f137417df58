package cli

import (
	"bytes"
	"context"
	"net"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The EC2 example imports onto simulated container instances: api's two tasks and a
// logs task per instance (global → DAEMON) are placed on the instances.
func TestComposeEC2Sim(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	ep := "http://" + addr
	if code, body := call(t, addr, "CreateCluster", `{"clusterName":"fleet"}`); code != 200 {
		t.Fatalf("CreateCluster: %d %v", code, body)
	}
	run := func(args ...string) {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main(append(args, "--endpoint", ep), &out, &errb); code != 0 {
			t.Fatalf("ecsmini %v: %s%s", args, out.String(), errb.String())
		}
	}
	run("instance", "add", "--cluster", "fleet", "--count", "2")
	run("import", filepath.Join("..", "..", "examples", "compose-ec2", "compose.yaml"))
	c := newClient(ep)
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		arns, err := c.ListTasks(ctx, ecs.ListTasksInput{Cluster: "fleet", DesiredStatus: ""})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := c.DescribeTasks(ctx, "fleet", arns)
		if err != nil {
			t.Fatal(err)
		}
		placed := map[string]int{}
		for _, tk := range tasks {
			if tk.LastStatus == ecs.StatusRunning && tk.ContainerInstanceArn != "" {
				placed[tk.Group]++
			}
		}
		if placed["service:api"] == 2 && placed["service:logs"] == 2 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks placed on instances by group: %v, want service:api 2, service:logs 2", placed)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// import into a running ecsmini puts a published port's load balancer on the compose
// host port, as up -f does.
func TestComposeImportPinsPorts(t *testing.T) {
	port := freeLoopbackPortT(t)
	t.Setenv("FRONTEND_PORT", strconv.Itoa(port))
	addr, _, _ := startUp(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	var out, errb bytes.Buffer
	if code := Main([]string{"import", filepath.Join("..", "..", "examples", "compose-spot", "compose.yaml"), "--endpoint", "http://" + addr}, &out, &errb); code != 0 {
		t.Fatalf("import: %s%s", out.String(), errb.String())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, body := call(t, addr, "DescribeServices", `{"cluster":"batch","services":["frontend"]}`)
		if code != 200 {
			t.Fatalf("DescribeServices: %d %v", code, body)
		}
		conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			conn.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on the compose port %d: %v\n%s", port, err, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freeLoopbackPortT(t *testing.T) int {
	t.Helper()
	p, err := freeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
