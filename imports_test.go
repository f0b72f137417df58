package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ecsmini/ecsmini"

// allowedImports is DESIGN.md's import direction: each package may import only the
// ecsmini packages listed (by path relative to the module; a trailing "/" allows a tree).
// A package missing from this table fails the test, so new packages get a rule.
var allowedImports = map[string][]string{
	"":                                {"internal/cli"},
	"emulator/ecs":                    {},
	"emulator/clock":                  {},
	"emulator/store":                  {},
	"fargate":                         {"emulator/ecs", "emulator/clock"},
	"ec2sim":                          {"emulator/ecs", "emulator/clock"},
	"tui":                             {"emulator/ecs"},
	"emulator/taskdef":                {"emulator/ecs", "fargate"},
	"emulator/httpapi":                {"emulator/ecs"},
	"emulator":                        {"emulator/ecs", "emulator/clock", "emulator/store", "emulator/taskdef", "emulator/scheduler", "emulator/lb", "emulator/events", "fargate", "ec2sim"},
	"emulator/events":                 {"emulator/ecs", "emulator/clock"},
	"internal/dockerrt":               {"emulator/containers"},
	"internal/workload":               {},
	"internal/composeimport":          {"emulator/ecs"},
	"emulator/containers":             {},
	"emulator/metadata":               {"emulator/ecs", "emulator/containers"},
	"emulator/agent/agenttest":        {"emulator/ecs"},
	"emulator/agent":                  {"emulator/ecs", "emulator/store", "emulator/containers", "emulator/clock", "fargate", "emulator/metadata", "emulator/discovery"},
	"emulator/discovery":              {"emulator/ecs"},
	"emulator/scheduler":              {"emulator/ecs", "fargate", "ec2sim"},
	"emulator/containers/sim":         {"emulator/containers", "emulator/clock"},
	"emulator/containers/runtimetest": {"emulator/containers"},
	"emulator/logs":                   {"emulator/containers", "emulator/clock", "emulator/ecs", "emulator/agent"},
	"emulator/lb":                     {"emulator/clock"},
	"emulator/cwlogs":                 {"emulator/ecs", "emulator/clock"},
	"emulator/cwlogs/cwlogsapi":       {"emulator/ecs", "emulator/cwlogs"},
	"internal/cli":                    {"emulator/", "emulator", "fargate", "ec2sim", "tui", "internal/"},
}

// onlyImporters lists third-party imports that only one package may use.
var onlyImporters = map[string]string{
	"github.com/docker/docker": "internal/dockerrt",
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath string
			Imports    []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		allowed, known := allowedImports[rel]
		if !known {
			t.Errorf("package %q has no import rule in imports_test.go", rel)
			continue
		}
		for _, imp := range p.Imports {
			for lib, owner := range onlyImporters {
				if strings.HasPrefix(imp, lib) && rel != owner {
					t.Errorf("%s imports %s; only %s may", rel, imp, owner)
				}
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !permitted(dep, allowed) {
				t.Errorf("%s imports %s, which DESIGN.md's import direction forbids", rel, dep)
			}
		}
	}
}

func permitted(dep string, allowed []string) bool {
	for _, a := range allowed {
		if dep == a || (strings.HasSuffix(a, "/") && strings.HasPrefix(dep, a)) {
			return true
		}
	}
	return false
}
