package main

import (
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// realTimeTiers are the build tags of the tiers that talk to real processes (Docker,
// the e2e script): only their tests may wait in wall-clock time.
var realTimeTiers = []string{"docker", "e2e"}

// sleepAllowed lists the hermetic test files that may still call time.Sleep, each with
// the reason. Keep it short: a new entry needs a reason a reviewer accepts, and an
// entry whose file sleeps no more fails the test until it is dropped.
var sleepAllowed = map[string]string{
	// Benchmarks (run only under -bench) that measure real concurrency: latency probes
	// running beside the measured work, RSS after a settled process, real listeners.
	"emulator/store/bench_test.go":         "probes measure lock hold times in real time while Compact runs",
	"internal/cli/bench_test.go":           "measures a real ecsmini process's start-up time and resident memory",
	"emulator/httpapi/tasks_bench_test.go": "throughput of real RunTask batches reaching RUNNING through the agent",
	"emulator/services_sim_bench_test.go":  "throughput of the running control loop, not of Settle",
	"emulator/lb/bench_test.go":            "waits for real TCP health checks before measuring proxy throughput",
	// Goroutine-exit checks: the runtime offers no notification when a goroutine ends.
	// Waiting for the component is not enough (lb's Close already waits on a WaitGroup):
	// a goroutine still counts in NumGoroutine after its deferred Done or close, until
	// it has returned, so one look right after can see it.
	"emulator/events/bus_test.go": "polls runtime.NumGoroutine until subscriptions' goroutines have ended",
	"emulator/lb/close_test.go":   "polls runtime.NumGoroutine until the proxy's goroutines have ended",
}

// TestNoSleepInHermeticTests keeps the hermetic tier free of time.Sleep: its tests
// drive the fake clock and Settle, and wait on channels, so they pass or fail the same
// way on a loaded machine and their wall time stays close to their CPU time. Tests of
// the docker and e2e tiers are exempt.
func TestNoSleepInHermeticTests(t *testing.T) {
	var found []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		calls, err := sleepCalls(path)
		if err != nil {
			return err
		}
		if len(calls) > 0 {
			if _, ok := sleepAllowed[filepath.ToSlash(path)]; !ok {
				found = append(found, calls...)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for path := range sleepAllowed {
		if calls, err := sleepCalls(path); err != nil || len(calls) == 0 {
			t.Errorf("sleepAllowed lists %s, which sleeps no more (or is gone: %v): drop the entry", path, err)
		}
	}
	if len(found) > 0 {
		t.Errorf("time.Sleep in hermetic tests (drive the fake clock and Settle, or wait on a channel):\n%s", strings.Join(found, "\n"))
	}
}

// sleepCalls returns the positions of time.Sleep calls in a test file built without
// the real-time tiers' tags; none for a file of those tiers.
func sleepCalls(path string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	if realTimeTier(f) {
		return nil, nil
	}
	timePkg := ""
	for _, imp := range f.Imports {
		if imp.Path.Value == `"time"` {
			timePkg = "time"
			if imp.Name != nil {
				timePkg = imp.Name.Name
			}
		}
	}
	if timePkg == "" {
		return nil, nil
	}
	var calls []string
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Sleep" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Name == timePkg {
			calls = append(calls, fset.Position(sel.Pos()).String())
		}
		return true
	})
	return calls, nil
}

// realTimeTier reports whether the file builds only with a real-time tier's tag: its
// //go:build line is false with those tags off and every other tag on.
func realTimeTier(f *ast.File) bool {
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			expr, err := constraint.Parse(c.Text)
			if err != nil {
				return false
			}
			return !expr.Eval(func(tag string) bool { return !slices.Contains(realTimeTiers, tag) })
		}
	}
	return false
}
