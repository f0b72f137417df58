package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `instance add --external` registers an mi- instance, which EXTERNAL tasks take;
// `instance join-token` prints the state directory's token to this machine; a
// loopback up prints no join command.
func TestInstanceAddExternalAndJoinToken(t *testing.T) {
	stateDir := t.TempDir()
	addr, out, _ := startUp(t, upOptions{runtime: "sim", stateDir: stateDir})
	if o := cli(t, addr, false, "instance", "add", "--external", "--cluster", "default"); !strings.Contains(o, "added external instance mi-") {
		t.Fatalf("instance add --external: %s", o)
	}
	if o := cli(t, addr, false, "instance", "ls", "--cluster", "default"); !strings.Contains(o, " mi-") {
		t.Fatalf("instance ls: %s", o)
	}
	_, m := call(t, addr, "RegisterTaskDefinition", `{"family":"edge","networkMode":"bridge","requiresCompatibilities":["EXTERNAL"],"containerDefinitions":[{"name":"app","image":"busybox","memory":64}]}`)
	if m["taskDefinition"] == nil {
		t.Fatalf("RegisterTaskDefinition: %v", m)
	}
	status, m := call(t, addr, "RunTask", `{"taskDefinition":"edge","launchType":"EXTERNAL"}`)
	tasks, _ := m["tasks"].([]any)
	if status != 200 || len(tasks) != 1 || !strings.Contains(tasks[0].(map[string]any)["containerInstanceArn"].(string), "container-instance/default/") {
		t.Fatalf("RunTask EXTERNAL: %d %v", status, m)
	}
	tok, err := os.ReadFile(filepath.Join(stateDir, "agent-token"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(cli(t, addr, false, "instance", "join-token")); got == "" || got != strings.TrimSpace(string(tok)) {
		t.Fatalf("join-token %q, want %q", got, tok)
	}
	if strings.Contains(out.String(), "ecsmini agent --endpoint") {
		t.Errorf("a loopback up printed a join command:\n%s", out)
	}
}
