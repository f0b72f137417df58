package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// cli runs an ecsmini command against addr and returns its output, failing on a
// non-zero exit unless wantFail.
func cli(t *testing.T, addr string, wantFail bool, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	code := Main(append(args, "--endpoint", "http://"+addr), &out, &out)
	if (code != 0) != wantFail {
		t.Fatalf("ecsmini %s: exit %d\n%s", strings.Join(args, " "), code, &out)
	}
	return out.String()
}

// taskState polls DescribeTasks until the task's lastStatus is want.
func taskState(t *testing.T, addr, cluster, arn, want string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, m := call(t, addr, "DescribeTasks", `{"cluster":"`+cluster+`","tasks":["`+arn+`"]}`)
		tasks, _ := m["tasks"].([]any)
		if len(tasks) == 1 {
			tk := tasks[0].(map[string]any)
			if tk["lastStatus"] == want {
				return tk
			}
			if time.Now().After(deadline) {
				t.Fatalf("task %s is %v, never %s", arn, tk["lastStatus"], want)
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runSpotTask(t *testing.T, addr string) string {
	t.Helper()
	status, m := call(t, addr, "RunTask", `{"cluster":"spotty","taskDefinition":"job","capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}],
		"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`)
	if status != 200 {
		t.Fatalf("RunTask: %d %v", status, m)
	}
	return m["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
}

// TestSpotAndRetireCommands drives the Fargate simulation from the CLI, on the simulated
// runtime: interrupt a Spot task, take Spot capacity away and give it back, retire a
// standalone task with a 0-day wait.
func TestSpotAndRetireCommands(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	for op, body := range map[string]string{
		"CreateCluster": `{"clusterName":"spotty","capacityProviders":["FARGATE","FARGATE_SPOT"]}`,
		"RegisterTaskDefinition": `{"family":"job","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"]}]}`,
		"PutAccountSettingDefault": `{"name":"fargateTaskRetirementWaitPeriod","value":"0"}`,
	} {
		if status, m := call(t, addr, op, body); status != 200 {
			t.Fatalf("%s: %d %v", op, status, m)
		}
	}

	arn := runSpotTask(t, addr)
	taskState(t, addr, "spotty", arn, "RUNNING")
	if out := cli(t, addr, false, "spot", "interrupt", arn, "--cluster", "spotty"); !strings.Contains(out, "interrupted "+arn) {
		t.Fatalf("spot interrupt: %s", out)
	}
	tk := taskState(t, addr, "spotty", arn, "STOPPED")
	if tk["stopCode"] != "SpotInterruption" || tk["stoppedReason"] != "Your Spot Task was interrupted." {
		t.Fatalf("interrupted task: %v %v", tk["stopCode"], tk["stoppedReason"])
	}
	if out := cli(t, addr, true, "spot", "interrupt", arn, "--cluster", "spotty"); !strings.Contains(out, "not a running Fargate Spot task") {
		t.Fatalf("interrupting a stopped task: %s", out)
	}

	if out := cli(t, addr, false, "spot", "capacity", "off", "--cluster", "spotty"); !strings.Contains(out, "unavailable") {
		t.Fatalf("spot capacity off: %s", out)
	}
	if out := cli(t, addr, false, "spot", "capacity", "--cluster", "spotty"); !strings.Contains(out, "unavailable") {
		t.Fatalf("spot capacity: %s", out)
	}
	held := runSpotTask(t, addr)
	time.Sleep(100 * time.Millisecond)
	taskState(t, addr, "spotty", held, "PROVISIONING")
	cli(t, addr, false, "spot", "capacity", "on", "--cluster", "spotty")
	taskState(t, addr, "spotty", held, "RUNNING")

	out := cli(t, addr, false, "retire", held, "--cluster", "spotty")
	if !strings.Contains(out, held+" retires at ") || !strings.Contains(out, "standalone") {
		t.Fatalf("retire: %s", out)
	}
	tk = taskState(t, addr, "spotty", held, "STOPPED")
	if tk["stoppedReason"] != "ECS is performing maintenance on the underlying infrastructure hosting the task" {
		t.Fatalf("retired task: %v", tk["stoppedReason"])
	}
	if out := cli(t, addr, true, "retire", "--cluster", "spotty"); !strings.Contains(out, "name the tasks") {
		t.Fatalf("retire without a target: %s", out)
	}
	if out := cli(t, addr, true, "spot", "capacity", "sideways"); !strings.Contains(out, "want on or off") {
		t.Fatalf("bad capacity word: %s", out)
	}
}
