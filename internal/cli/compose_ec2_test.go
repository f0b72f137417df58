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
	addr, _, dc := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
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
	var placed map[string]int
	dc.eventually(t, time.Minute, "api's 2 and logs' 2 tasks placed on the instances", func() bool {
		arns, err := c.ListTasks(ctx, ecs.ListTasksInput{Cluster: "fleet", DesiredStatus: ""})
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := c.DescribeTasks(ctx, "fleet", arns)
		if err != nil {
			t.Fatal(err)
		}
		placed = map[string]int{}
		for _, tk := range tasks {
			if tk.LastStatus == ecs.StatusRunning && tk.ContainerInstanceArn != "" {
				placed[tk.Group]++
			}
		}
		return placed["service:api"] == 2 && placed["service:logs"] == 2
	})
}

// import into a running ecsmini puts a published port's load balancer on the compose
// host port, as up -f does.
func TestComposeImportPinsPorts(t *testing.T) {
	port := freeLoopbackPortT(t)
	t.Setenv("FRONTEND_PORT", strconv.Itoa(port))
	addr, _, dc := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	var out, errb bytes.Buffer
	if code := Main([]string{"import", filepath.Join("..", "..", "examples", "compose-spot", "compose.yaml"), "--endpoint", "http://" + addr}, &out, &errb); code != 0 {
		t.Fatalf("import: %s%s", out.String(), errb.String())
	}
	// The load balancer listens once the service's tasks are registered with it: after
	// a settle, a refused connection means no listener, not "not yet".
	dc.settleT(t)
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		t.Fatalf("nothing listens on the compose port %d: %v\n%s", port, err, out.String())
	}
	conn.Close()
}

func freeLoopbackPortT(t *testing.T) int {
	t.Helper()
	p, err := freeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
