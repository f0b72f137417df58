package main

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/ecsmini/ecsmini"

// allowedImports is DESIGN.md's import direction: each package may import only the
// ecsmini packages listed (by path relative to the module; a trailing "/" allows a tree).
// A package missing from this table fails the test, so new packages get a rule.
var allowedImports = map[string][]string{
	"":                                  {"internal/cli"},
	"emulator/ecs":                      {},
	"emulator/clock":                    {},
	"emulator/store":                    {},
	"fargate":                           {"emulator/ecs", "emulator/clock"},
	"ec2sim":                            {"emulator/ecs", "emulator/clock"},
	"tui":                               {"emulator/ecs"},
	"emulator/taskdef":                  {"emulator/ecs", "fargate"},
	"emulator/httpapi":                  {"emulator/ecs"},
	"emulator":                          {"emulator/ecs", "emulator/clock", "emulator/store", "emulator/taskdef", "emulator/scheduler", "emulator/lb", "emulator/events", "emulator/discovery", "emulator/serviceconnect", "fargate", "ec2sim", "emulator/state", "emulator/admission", "emulator/servicectl", "emulator/fargatectl", "emulator/ec2ctl", "emulator/svcdeploy", "emulator/cost", "emulator/paging", "emulator/check", "emulator/tagging", "emulator/taskdefs", "emulator/settings", "emulator/eventemit", "emulator/execsession", "emulator/providers", "emulator/protection", "emulator/instview", "emulator/gateways", "emulator/daemons", "emulator/instances", "emulator/anywhere", "emulator/servicedefs", "emulator/express", "emulator/tasksetctl", "emulator/deployments", "emulator/strategy", "emulator/svcdns"},
	"emulator/cost":                     {"emulator/ecs", "emulator/state", "fargate"},
	"emulator/paging":                   {"emulator/ecs", "emulator/store"},
	"emulator/check":                    {"emulator/ecs"},
	"emulator/tagging":                  {"emulator/ecs", "emulator/state", "emulator/store"},
	"emulator/taskdefs":                 {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging", "emulator/taskdef", "emulator/tagging", "emulator/check"},
	"emulator/settings":                 {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging"},
	"emulator/eventemit":                {"emulator/ecs", "emulator/state", "emulator/events", "emulator/scheduler", "emulator/fargatectl"},
	"emulator/execsession":              {"emulator/ecs", "emulator/state", "emulator/events", "emulator/eventemit"},
	"emulator/providers":                {"emulator/ecs", "emulator/state", "emulator/store", "emulator/tagging", "emulator/check", "emulator/paging"},
	"emulator/protection":               {"emulator/ecs", "emulator/state", "emulator/store"},
	"emulator/gateways":                 {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging", "emulator/tagging"},
	"emulator/daemons":                  {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging", "emulator/tagging", "emulator/providers", "emulator/svcdeploy", "emulator/admission", "ec2sim"},
	"emulator/instview":                 {"emulator/ecs", "emulator/state", "emulator/paging", "ec2sim"},
	"emulator/strategy":                 {"emulator/ecs"},
	"emulator/deployments":              {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging", "emulator/svcdeploy", "emulator/scheduler", "emulator/strategy"},
	"emulator/svcdns":                   {"emulator/ecs", "emulator/state", "emulator/store", "emulator/servicectl", "emulator/discovery", "emulator/serviceconnect"},
	"emulator/instances":                {"emulator/ecs", "emulator/state", "emulator/store", "emulator/paging", "emulator/tagging", "emulator/instview", "emulator/ec2ctl", "emulator/events", "ec2sim"},
	"emulator/anywhere":                 {"emulator/ecs", "emulator/state", "emulator/store", "emulator/instances"},
	"emulator/servicedefs":              {"emulator/ecs", "emulator/admission", "emulator/tagging", "ec2sim"},
	"emulator/express":                  {"emulator/ecs", "emulator/state", "emulator/store", "emulator/appscaling"},
	"emulator/state":                    {"emulator/ecs", "emulator/clock", "emulator/store", "emulator/scheduler", "ec2sim", "emulator/strategy"},
	"emulator/admission":                {"emulator/ecs", "emulator/state", "emulator/scheduler", "ec2sim"},
	"emulator/servicectl":               {"emulator/ecs", "emulator/state", "emulator/store", "emulator/admission", "emulator/scheduler", "emulator/lb", "fargate", "ec2sim", "emulator/strategy", "emulator/clock"},
	"emulator/fargatectl":               {"emulator/ecs", "emulator/state", "emulator/store", "emulator/admission", "fargate"},
	"emulator/tasksetctl":               {"emulator/ecs", "emulator/state", "emulator/store", "emulator/admission", "emulator/scheduler", "fargate"},
	"emulator/ec2ctl":                   {"emulator/ecs", "emulator/state", "emulator/store", "emulator/admission", "fargate", "ec2sim"},
	"emulator/events":                   {"emulator/ecs", "emulator/clock"},
	"internal/dockerrt":                 {"emulator/containers"},
	"internal/workload":                 {"emulator/serviceconnect"},
	"internal/httpguard":                {"emulator/ecs"},
	"internal/composeimport":            {"emulator/ecs", "emulator/strategy"},
	"emulator/containers":               {},
	"emulator/metadata":                 {"emulator/ecs", "emulator/containers"},
	"emulator/agent/agenttest":          {"emulator/ecs"},
	"emulator/agent":                    {"emulator/ecs", "emulator/store", "emulator/containers", "emulator/clock", "fargate", "emulator/metadata", "emulator/discovery"},
	"emulator/discovery":                {"emulator/ecs", "emulator/serviceconnect"},
	"emulator/serviceconnect":           {},
	"emulator/scheduler":                {"emulator/ecs", "fargate", "ec2sim"},
	"emulator/svcdeploy":                {"emulator/ecs", "emulator/scheduler"},
	"emulator/containers/sim":           {"emulator/containers", "emulator/clock"},
	"emulator/containers/runtimetest":   {"emulator/containers"},
	"emulator/logs":                     {"emulator/containers", "emulator/clock", "emulator/ecs", "emulator/agent"},
	"emulator/lb":                       {"emulator/clock"},
	"emulator/cwlogs":                   {"emulator/ecs", "emulator/clock"},
	"emulator/cwlogs/cwlogsapi":         {"emulator/ecs", "emulator/cwlogs", "emulator/awsjson"},
	"emulator/awsjson":                  {"emulator/ecs"},
	"emulator/ssmsession":               {},
	"emulator/appscaling":               {"emulator/ecs", "emulator/clock", "emulator/statefile"},
	"emulator/hooks":                    {"emulator/statefile"},
	"emulator/alarms":                   {"emulator/ecs", "emulator/clock", "emulator/appscaling", "emulator/statefile"},
	"emulator/statefile":                {},
	"emulator/alarms/cwapi":             {"emulator/ecs", "emulator/alarms", "emulator/awsjson"},
	"emulator/appscaling/appscalingapi": {"emulator/ecs", "emulator/appscaling", "emulator/awsjson"},
	"emulator/appscaling/ecsbridge":     {"emulator", "emulator/ecs", "emulator/appscaling", "emulator/containers", "emulator/events", "emulator/clock", "emulator/containers/sim", "emulator/agent", "emulator/httpapi"},
	"emulator/execchannel":              {"emulator/ecs", "emulator/clock", "emulator/containers", "emulator/ssmsession"},
	"internal/ecsminiapi":               {"emulator", "emulator/ecs", "emulator/clock", "emulator/events", "emulator/logs", "emulator/httpapi", "emulator/discovery", "fargate", "emulator/hooks", "emulator/alarms"},
	"internal/composeapply":             {"emulator/ecs", "emulator/clock", "internal/composeimport", "internal/ecsminiapi", "internal/dockerrt"},
	"internal/anywhere":                 {"emulator", "emulator/ecs", "emulator/agent", "emulator/clock", "emulator/containers", "emulator/httpapi", "emulator/metadata", "emulator/logs", "internal/ecsminiapi", "internal/httpguard"},
	"internal/cli":                      {"emulator/", "emulator", "fargate", "ec2sim", "tui", "internal/"},
}

// onlyImporters lists third-party libraries (a module path, or a package and the
// packages below it) and the only packages that may import them, tests included.
var onlyImporters = map[string][]string{
	"github.com/docker/docker": {"internal/dockerrt"},
	// BuildKit's client, session and Dockerfile frontend: compose builds.
	"github.com/moby/buildkit":     {"internal/dockerrt"},
	"github.com/tonistiigi/fsutil": {"internal/dockerrt"},
	// The Session Manager data channel is the only WebSocket ecsmini speaks.
	"github.com/gorilla/websocket": {"emulator/execchannel"},
	// CloudWatch's Smithy RPC v2 CBOR protocol.
	"github.com/fxamacker/cbor":              {"emulator/alarms/cwapi"},
	"github.com/compose-spec/compose-go":     {"internal/composeimport", "internal/composeapply"},
	"github.com/fsnotify/fsnotify":           {"internal/composeapply"},
	"github.com/spf13/cobra":                 {"internal/cli"},
	"github.com/spf13/pflag":                 {"internal/cli"},
	"github.com/charmbracelet/bubbletea":     {"tui", "internal/cli"},
	"github.com/charmbracelet/bubbles":       {"tui"},
	"github.com/charmbracelet/lipgloss":      {"tui"},
	"github.com/charmbracelet/x/exp/teatest": {"tui"},
}

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p struct {
			ImportPath                string
			Imports                   []string
			TestImports, XTestImports []string
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
		for _, imp := range append(append(p.Imports, p.TestImports...), p.XTestImports...) {
			if owners, ok := mayImport(rel, imp); !ok {
				t.Errorf("%s imports %s; only %s may", rel, imp, strings.Join(owners, ", "))
			}
		}
		for _, imp := range p.Imports {
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

// mayImport says whether the package rel may import the third-party package imp, and
// if not, which packages may.
func mayImport(rel, imp string) (owners []string, ok bool) {
	for lib, owners := range onlyImporters {
		if (imp == lib || strings.HasPrefix(imp, lib+"/")) && !slices.Contains(owners, rel) {
			return owners, false
		}
	}
	return nil, true
}

func TestMayImport(t *testing.T) {
	for _, tc := range []struct {
		pkg, imp string
		ok       bool
	}{
		{"internal/composeapply", "github.com/fsnotify/fsnotify", true},
		{"internal/cli", "github.com/fsnotify/fsnotify", false},
		{"internal/composeimport", "github.com/compose-spec/compose-go/v2/types", true},
		{"internal/cli", "github.com/compose-spec/compose-go/v2/types", false},
		{"emulator", "github.com/spf13/cobra", false},
		{"internal/cli", "github.com/spf13/cobra", true},
		{"tui", "github.com/charmbracelet/bubbletea", true},
		{"internal/cli", "github.com/charmbracelet/bubbletea", true},
		{"emulator", "github.com/charmbracelet/bubbletea", false},
		{"internal/cli", "github.com/charmbracelet/bubbles/key", false},
		{"internal/ecsminiapi", "github.com/docker/docker/client", false},
		{"emulator", "github.com/aws/aws-sdk-go-v2/service/ecs", true},
	} {
		if _, ok := mayImport(tc.pkg, tc.imp); ok != tc.ok {
			t.Errorf("mayImport(%q, %q) = %v, want %v", tc.pkg, tc.imp, ok, tc.ok)
		}
	}
}

// reconcilers are the packages the control loop runs a pass of, and the packages they
// share: none may depend on the facade (package emulator), which wires them together.
var reconcilers = []string{"emulator/state", "emulator/admission", "emulator/servicectl", "emulator/fargatectl", "emulator/ec2ctl", "emulator/daemons", "emulator/tasksetctl"}

// operations are the packages the facade delegates a group of API operations or a
// report to (moved out of package emulator to keep the facade small); like the
// reconcilers, they work on *state.State and never on *Emulator.
var operations = []string{"emulator/cost", "emulator/paging", "emulator/check", "emulator/tagging", "emulator/taskdefs", "emulator/settings", "emulator/eventemit", "emulator/execsession", "emulator/providers", "emulator/protection", "emulator/instview", "emulator/gateways", "emulator/instances", "emulator/anywhere", "emulator/servicedefs", "emulator/express", "emulator/deployments", "emulator/svcdns"}

// TestReconcilersDoNotImportTheFacade holds the rule table to issue 13's shape: each
// reconciler depends on the state package and small interfaces, never on *Emulator,
// directly or through another package (tests included).
func TestReconcilersDoNotImportTheFacade(t *testing.T) {
	for _, rel := range append(slices.Clone(reconcilers), operations...) {
		allowed, ok := allowedImports[rel]
		if !ok {
			t.Errorf("%s has no import rule", rel)
			continue
		}
		if permitted("emulator", allowed) {
			t.Errorf("%s may import package emulator; a reconciler must not depend on the facade", rel)
		}
		out, err := exec.Command("go", "list", "-deps", "-test", "./"+rel).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", rel, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == module+"/emulator" {
				t.Errorf("%s depends on package emulator", rel)
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
