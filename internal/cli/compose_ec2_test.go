package cli

import (
	"bytes"
	"context"
	"path/filepath"
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
	c := newECSClient(ep)
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	for {
		arns, err := c.listTasks(ctx, "fleet", "")
		if err != nil {
			t.Fatal(err)
		}
		tasks, err := c.describeTasks(ctx, "fleet", arns)
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
