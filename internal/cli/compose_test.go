package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var updateExamples = flag.Bool("update-examples", false, "rewrite examples/*/ecs from 'ecsmini convert'")

// composeExamples are the example compose projects whose ECS requests are committed
// under ecs/, so that a change to the conversion shows in the examples' diff.
var composeExamples = []string{"compose", "compose-spot", "compose-ec2"}

// TestComposeExamplesConvert converts each example as `ecsmini convert --format
// cli-input` does and compares the files with the committed ones (go test
// ./internal/cli -run ComposeExamples -update-examples rewrites them).
func TestComposeExamplesConvert(t *testing.T) {
	for _, name := range composeExamples {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("..", "..", "examples", name)
			if _, err := os.Stat(filepath.Join(src, "compose.yaml")); err != nil {
				t.Skipf("no example: %v", err)
			}
			tmp := t.TempDir()
			var out, errb bytes.Buffer
			code := Main([]string{"convert", "-f", filepath.Join(src, "compose.yaml"), "--format", "cli-input", "--output-dir", tmp}, &out, &errb)
			if code != 0 {
				t.Fatalf("convert: exit %d: %s", code, errb.String())
			}
			commands := strings.ReplaceAll(out.String(), tmp, "ecs")
			files, _ := filepath.Glob(filepath.Join(tmp, "*.json"))
			want := filepath.Join(src, "ecs")
			if *updateExamples {
				_ = os.RemoveAll(want)
				if err := os.MkdirAll(want, 0o755); err != nil {
					t.Fatal(err)
				}
				for _, f := range files {
					b, _ := os.ReadFile(f)
					if err := os.WriteFile(filepath.Join(want, filepath.Base(f)), b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if err := os.WriteFile(filepath.Join(want, "deploy.sh"), []byte(deployScript(commands)), 0o755); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, f := range files {
				got, _ := os.ReadFile(f)
				exp, err := os.ReadFile(filepath.Join(want, filepath.Base(f)))
				if err != nil || !bytes.Equal(got, exp) {
					t.Errorf("%s/%s differs from 'ecsmini convert' (run go test ./internal/cli -run ComposeExamples -update-examples and review): %v", want, filepath.Base(f), err)
				}
			}
			script, err := os.ReadFile(filepath.Join(want, "deploy.sh"))
			if err != nil || string(script) != deployScript(commands) {
				t.Errorf("%s/deploy.sh differs from the commands convert prints: %v\n%s", want, err, commands)
			}
			if left, _ := filepath.Glob(filepath.Join(want, "*.json")); len(left) != len(files) {
				t.Errorf("%s has %d files, convert writes %d", want, len(left), len(files))
			}
		})
	}
}

func deployScript(commands string) string {
	return "#!/bin/sh\n# Deploys this example to real AWS (written by 'ecsmini convert --format cli-input';\n# run it from this directory's parent).\nset -e\n" + commands
}

// upCompose starts a simulated ecsmini with up -f and waits for the import.
func upCompose(t *testing.T, file string, watch bool) (string, *syncBuffer) {
	t.Helper()
	return upComposeWith(t, upOptions{runtime: "sim", stateDir: t.TempDir(), watch: watch, compose: composeFlags{files: []string{file}}})
}

// upComposeWith is upCompose with more options. It runs up on a driven clock, and
// under --watch with a debounce that fires as soon as the watcher arms it.
func upComposeWith(t *testing.T, o upOptions) (string, *syncBuffer) {
	t.Helper()
	o.drive = newDrivenClock().driver()
	if o.watch {
		o.drive.Debounce = autoDebounce(t)
	}
	addr, out, _ := startUp(t, o)
	waitOutput(t, out, "is up in cluster", "watching", 90*time.Second)
	return addr, out
}

// autoDebounce is a debounce clock that fires as soon as the watcher arms it: the
// test's edits are atomic (editFile), one file event each, so nothing is gained by
// waiting for more, and no real time is spent.
func autoDebounce(t *testing.T) *clock.Fake {
	fake := clock.NewFake(time.Now())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for fake.WaitPending(ctx, 1) == nil {
			fake.Advance(time.Hour)
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return fake
}

// waitOutput waits until out holds one of the words.
func waitOutput(t *testing.T, out *syncBuffer, a, b string, timeout time.Duration) {
	t.Helper()
	out.await(t, 0, timeout, fmt.Sprintf("%q", a), func(s string) bool {
		return strings.Contains(s, a) || (b != "" && strings.Contains(s, b))
	})
}

// serviceRevisions describes the services and returns their task definitions.
func serviceRevisions(t *testing.T, addr, cluster string, names ...string) map[string]string {
	t.Helper()
	c := newClient("http://" + addr)
	var out ecs.DescribeServicesOutput
	if err := c.Call(context.Background(), "DescribeServices", &ecs.DescribeServicesInput{Cluster: cluster, Services: names}, &out); err != nil {
		t.Fatal(err)
	}
	revs := map[string]string{}
	for _, s := range out.Services {
		if s.Status == "ACTIVE" {
			revs[s.ServiceName] = lastSegment(s.TaskDefinition)
		}
	}
	return revs
}

// The example stack comes up on the simulated runtime in dependency order, and a
// second import changes nothing.
func TestComposeUpSim(t *testing.T) {
	t.Setenv("WEB_PORT", "0") // the load balancer picks a free port
	file := filepath.Join("..", "..", "examples", "compose", "compose.yaml")
	addr, out := upCompose(t, file, false)
	revs := serviceRevisions(t, addr, "shop", "web", "api", "worker", "db")
	for _, name := range []string{"web", "api", "worker", "db"} {
		if revs[name] != "shop-"+name+":1" {
			t.Errorf("service %s runs %q, want shop-%s:1 (services %v)", name, revs[name], name, revs)
		}
	}
	s := out.String()
	for _, before := range [][2]string{{"created service db", "created service api"}, {"created service db", "ran one-off task migrate"},
		{"ran one-off task migrate", "created service web"}, {"created service api", "created service web"}} {
		i, j := strings.Index(s, before[0]), strings.Index(s, before[1])
		if i < 0 || j < 0 || i > j {
			t.Errorf("want %q before %q:\n%s", before[0], before[1], s)
		}
	}
	var ib, eb bytes.Buffer
	if code := Main([]string{"import", file, "--endpoint", "http://" + addr}, &ib, &eb); code != 0 {
		t.Fatalf("import: %s", eb.String())
	}
	if !strings.Contains(ib.String(), "0 created, 0 updated, 5 unchanged, 0 deleted, 0 one-off tasks run") {
		t.Errorf("a second import changed something:\n%s", ib.String())
	}
}
