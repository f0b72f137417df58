package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// The whole emulator follows its clock: advancing it an hour ends a simulated task that
// exits after an hour, and 'ecsmini clock' shows the new time.
func TestClockCommandMovesTheEmulator(t *testing.T) {
	addr, _, dc := startDriven(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	td := `{"family":"hourly","containerDefinitions":[{"name":"job","image":"busybox","memory":64,` +
		`"dockerLabels":{"ecsmini.sim/exit-after":"1h","ecsmini.sim/exit-code":"4"}}]}`
	if code, m := call(t, addr, "RegisterTaskDefinition", td); code != 200 {
		t.Fatalf("register: %v", m)
	}
	_, m := call(t, addr, "RunTask", `{"taskDefinition":"hourly"}`)
	arn := m["tasks"].([]any)[0].(map[string]any)["taskArn"].(string)
	taskState(t, dc, addr, "default", arn, "RUNNING")
	dc.advance(t, 50*time.Minute)
	if tk := describeTask(t, addr, "default", arn); tk["lastStatus"] != "RUNNING" {
		t.Fatalf("50 minutes in, the hour-long task is %v", tk["lastStatus"])
	}
	var out, errOut bytes.Buffer
	if code := Main([]string{"clock", "advance", "10m", "--endpoint", "http://" + addr}, &out, &errOut); code != 0 {
		t.Fatalf("clock advance: exit %d %s", code, errOut.String())
	}
	dc.settleT(t)
	if tk := describeTask(t, addr, "default", arn); tk["lastStatus"] != "STOPPED" {
		t.Fatalf("an hour later the task is %v, want STOPPED", tk["lastStatus"])
	}
	shown, err := time.Parse(time.RFC3339, strings.Fields(out.String())[0])
	if err != nil || time.Until(shown) < 59*time.Minute || time.Until(shown) > 61*time.Minute {
		t.Errorf("clock shows %q, want about an hour ahead", out.String())
	}
	out.Reset()
	if code := Main([]string{"clock", "sideways", "--endpoint", "http://" + addr}, &out, &out); code == 0 || !strings.Contains(out.String(), "usage") {
		t.Errorf("bad subcommand: exit %d %q", code, out.String())
	}
}

// TestClockAdvanceSurvivesRestart: a clock moved ahead stays ahead after ecsmini
// restarts on the same state directory, so stored times never run backwards.
func TestClockAdvanceSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	addr, _, stop := startUp(t, upOptions{runtime: "sim", stateDir: dir})
	var out, errOut bytes.Buffer
	if code := Main([]string{"clock", "advance", "48h", "--endpoint", "http://" + addr}, &out, &errOut); code != 0 {
		t.Fatalf("clock advance: %d %s", code, &errOut)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	addr, _, _ = startUp(t, upOptions{runtime: "sim", stateDir: dir})
	out.Reset()
	if code := Main([]string{"clock", "--endpoint", "http://" + addr}, &out, &errOut); code != 0 {
		t.Fatalf("clock: %d %s", code, &errOut)
	}
	now, err := time.Parse(time.RFC3339, strings.Fields(out.String())[0])
	if err != nil {
		t.Fatalf("clock output %q: %v", out.String(), err)
	}
	if ahead := time.Until(now); ahead < 47*time.Hour || ahead > 49*time.Hour {
		t.Fatalf("after a restart the clock is %v ahead, want 48h", ahead)
	}
}
