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

// taskState moves the driven clock until the task's lastStatus is want (at most a
// minute of emulator time).
func taskState(t *testing.T, dc *drivenClock, addr, cluster, arn, want string) map[string]any {
	t.Helper()
	var tk map[string]any
	dc.eventually(t, time.Minute, "task "+arn+" "+want, func() bool {
		tk = describeTask(t, addr, cluster, arn)
		return tk["lastStatus"] == want
	})
	return tk
}

// describeTask is the task as DescribeTasks shows it (nil when there is none).
func describeTask(t *testing.T, addr, cluster, arn string) map[string]any {
	t.Helper()
	_, m := call(t, addr, "DescribeTasks", `{"cluster":"`+cluster+`","tasks":["`+arn+`"]}`)
	if tasks, _ := m["tasks"].([]any); len(tasks) == 1 {
		return tasks[0].(map[string]any)
	}
	return nil
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
	addr, _, dc := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
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
	taskState(t, dc, addr, "spotty", arn, "RUNNING")
	if out := cli(t, addr, false, "spot", "interrupt", arn, "--cluster", "spotty"); !strings.Contains(out, "interrupted "+arn) {
		t.Fatalf("spot interrupt: %s", out)
	}
	tk := taskState(t, dc, addr, "spotty", arn, "STOPPED")
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
	dc.advance(t, time.Minute) // no Spot capacity: the task waits, however long
	if tk := describeTask(t, addr, "spotty", held); tk["lastStatus"] != "PROVISIONING" {
		t.Fatalf("without Spot capacity the task is %v, want PROVISIONING", tk["lastStatus"])
	}
	cli(t, addr, false, "spot", "capacity", "on", "--cluster", "spotty")
	taskState(t, dc, addr, "spotty", held, "RUNNING")

	out := cli(t, addr, false, "retire", held, "--cluster", "spotty")
	if !strings.Contains(out, held+" retires at ") || !strings.Contains(out, "standalone") {
		t.Fatalf("retire: %s", out)
	}
	tk = taskState(t, dc, addr, "spotty", held, "STOPPED")
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
