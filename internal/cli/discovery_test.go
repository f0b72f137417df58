package cli

import (
	"bytes"
	"strings"
	"testing"
)

// 'up --discovery-map' and 'ecsmini discovery map' name Cloud Map registries; 'ecsmini
// discovery names' shows them, and a bad ARN or name is refused with the reason.
func TestDiscoveryCommands(t *testing.T) {
	const a1 = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1"
	const a2 = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-2"
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim", discoveryMaps: []string{a1 + "=api.demo.local"}})
	ep := "http://" + addr
	run := func(args ...string) (int, string) {
		var out bytes.Buffer
		code := Main(append(args, "--endpoint", ep), &out, &out)
		return code, out.String()
	}
	if code, out := run("discovery", "map", a2, "db.demo.local"); code != 0 {
		t.Fatalf("map: %d %s", code, out)
	}
	code, out := run("discovery", "names", "--cluster", "default")
	if code != 0 {
		t.Fatalf("names: %d %s", code, out)
	}
	for _, want := range []string{"REGISTRY", a1 + "  api.demo.local", a2 + "  db.demo.local"} {
		if !strings.Contains(out, want) {
			t.Errorf("names output lacks %q:\n%s", want, out)
		}
	}
	if code, out := run("discovery", "map", "arn:aws:ecs:us-east-1:000000000000:service/x", "a.b"); code == 0 || !strings.Contains(out, "not a Cloud Map service ARN") {
		t.Errorf("bad ARN: %d %s", code, out)
	}
	if code, out := run("discovery", "map", a2, "no way"); code == 0 || !strings.Contains(out, "not a DNS name") {
		t.Errorf("bad name: %d %s", code, out)
	}
}

func TestUpRefusesBadDiscoveryMap(t *testing.T) {
	var out bytes.Buffer
	code := Main([]string{"up", "--runtime", "sim", "--state-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--discovery-map", "nonsense"}, &out, &out)
	if code == 0 || !strings.Contains(out.String(), "REGISTRY_ARN=NAME.NAMESPACE") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}
