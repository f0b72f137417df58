package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattn/go-shellwords"
)

func TestJoinCommandRoundTrips(t *testing.T) {
	tests := [][]string{
		{"/bin/sh"},
		{"sh", "-c", "echo a | wc -l"},
		{"echo", "it's", `"quoted"`, "a\\b"},
		{"printf", ""},
		{"env", "A=1", "$HOME"},
	}
	for _, argv := range tests {
		line := joinCommand(argv)
		got, err := shellwords.Parse(line)
		if err != nil || strings.Join(got, "\x00") != strings.Join(argv, "\x00") {
			t.Errorf("joinCommand(%q) = %q, which splits into %q (%v)", argv, line, got, err)
		}
	}
}

// On the simulated runtime there is no container to enter: ecsmini exec says so and
// fails, and the session's failure is an event of the task.
func TestExecOnTheSimulatedRuntime(t *testing.T) {
	addr, _, dc := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	endpoint := "http://" + addr
	if code, body := call(t, addr, "RegisterTaskDefinition", `{"family":"sh","containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","memory":64}]}`); code != 200 {
		t.Fatalf("register: %d %v", code, body)
	}
	code, body := call(t, addr, "RunTask", `{"taskDefinition":"sh","enableExecuteCommand":true}`)
	if code != 200 {
		t.Fatalf("run: %d %v", code, body)
	}
	arn := body["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
	id := arn[strings.LastIndexByte(arn, '/')+1:]
	taskState(t, dc, addr, "default", arn, "RUNNING")
	_, errOut, exit := runMain(t, "exec", "--endpoint", endpoint, id[:8], "--", "sh", "-c", "echo hi")
	if exit != 1 || !strings.Contains(errOut, "there is no container to enter on the simulated runtime") {
		t.Fatalf("exec on sim = %d %q", exit, errOut)
	}
	out, _, _ := runMain(t, "events", "--endpoint", endpoint, "--filter", "detail-type=ecsmini ECS Exec Session")
	var steps []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			Resources []string `json:"resources"`
			Detail    struct {
				Step      string `json:"step"`
				SessionID string `json:"sessionId"`
				Command   string `json:"command"`
			} `json:"detail"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil || len(ev.Resources) != 1 || ev.Resources[0] != arn {
			t.Fatalf("event %q: %v", line, err)
		}
		if !strings.HasPrefix(ev.Detail.SessionID, "ecs-execute-command-") || ev.Detail.Command != "sh -c 'echo hi'" {
			t.Errorf("event detail %+v", ev.Detail)
		}
		steps = append(steps, ev.Detail.Step)
	}
	if strings.Join(steps, ",") != "started,failed" {
		t.Errorf("exec session events %v, want started, failed", steps)
	}
	if _, errOut, exit := runMain(t, "exec", "--endpoint", endpoint, "ffff", "--", "sh"); exit != 1 || !strings.Contains(errOut, `no running task "ffff"`) {
		t.Errorf("exec of an unknown task = %d %q", exit, errOut)
	}

	// The dashboard's e: the same session, on the task's running container, whose
	// failure comes back as the error the status line shows.
	sh, err := dashActions{src: newDashSource(endpoint)}.Shell("default", arn)
	if err != nil {
		t.Fatal(err)
	}
	var screen strings.Builder
	sh.SetStdin(strings.NewReader(""))
	sh.SetStdout(&screen)
	if err := sh.Run(); err == nil || !strings.Contains(err.Error(), "there is no container to enter on the simulated runtime") {
		t.Errorf("dashboard shell on sim: %v", err)
	}
	if !strings.Contains(screen.String(), "container app") {
		t.Errorf("dashboard shell did not pick the running container: %q", screen.String())
	}
}
