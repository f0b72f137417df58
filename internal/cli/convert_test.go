package cli

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// convert's formats on the example stack: the JSON document, and a CloudFormation
// template with CloudFormation's names (FilesystemId, PlacementStrategies), Refs,
// DependsOn from depends_on, and no request-only fields.
func TestConvertFormats(t *testing.T) {
	file := filepath.Join("..", "..", "examples", "compose", "compose.yaml")
	run := func(format string) map[string]any {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Main([]string{"convert", "-f", file, "--format", format}, &out, &errb); code != 0 {
			t.Fatalf("convert --format %s: %s", format, errb.String())
		}
		var m map[string]any
		if err := json.Unmarshal(out.Bytes(), &m); err != nil {
			t.Fatalf("convert --format %s: %v\n%s", format, err, out.String())
		}
		return m
	}
	doc := run("json")
	if doc["cluster"] != "shop" || len(doc["taskDefinitions"].([]any)) != 5 || len(doc["services"].([]any)) != 4 || len(doc["tasks"].([]any)) != 1 {
		t.Errorf("json: cluster, 5 task definitions, 4 services, 1 task expected: %v", doc)
	}
	cfn := run("cloudformation")
	b, _ := json.Marshal(cfn)
	s := string(b)
	for _, want := range []string{`"FilesystemId":"fs-`, `"DependsOn":["ApiService"]`, `"TaskDefinition":{"Ref":"WebTaskDefinition"}`,
		`"Cluster":{"Ref":"Cluster"}`, `"Type":"AWS::ECS::Service"`, `run-task: migrate`} {
		if !strings.Contains(s, want) {
			t.Errorf("the template lacks %s", want)
		}
	}
	for _, unwanted := range []string{"ClientToken", "clientToken", `"fileSystemId"`} {
		if strings.Contains(s, unwanted) {
			t.Errorf("the template has %s", unwanted)
		}
	}
	var out, errb bytes.Buffer
	if code := Main([]string{"convert", "-f", file, "--format", "yaml"}, &out, &errb); code == 0 {
		t.Error("an unknown format was accepted")
	}
}

func TestLogicalID(t *testing.T) {
	for in, want := range map[string]string{"web": "Web", "my-api": "MyApi", "a.b_c": "ABC", "x9": "X9"} {
		if got := logicalID(in); got != want {
			t.Errorf("logicalID(%q) = %q, want %q", in, got, want)
		}
	}
}

// import --dry-run prints what each service becomes without calling any ecsmini.
func TestImportDryRun(t *testing.T) {
	var out, errb bytes.Buffer
	code := Main([]string{"import", filepath.Join("..", "..", "examples", "compose", "compose.yaml"), "--dry-run", "--endpoint", "http://127.0.0.1:1"}, &out, &errb)
	if code != 0 {
		t.Fatalf("import --dry-run: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"cluster shop (project shop)", "service web, desired 1: task definition shop-web (cpu 256, memory 512), localhost:8080 → 8080",
		"after api is healthy", "after migrate is completed successfully", "one-off task migrate", "service api, desired 2: task definition shop-api (cpu 512, memory 1024)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the dry run lacks %q:\n%s", want, out.String())
		}
	}
}
