package composeimport

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// An invalid file fails with compose-go's error, which names the file and the line.
func TestLoadInvalidNamesFileAndLine(t *testing.T) {
	_, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join("testdata", "invalid", "compose.yaml")}})
	if err == nil {
		t.Fatal("loading an invalid file succeeded")
	}
	for _, want := range []string{"compose.yaml", "line"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// Every key the unsupported fixture sets without an ECS counterpart is warned about
// exactly once, naming the key and the service.
func TestEveryUnsupportedKeyWarnsOnce(t *testing.T) {
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join("testdata", "unsupported", "compose.yaml")}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Convert(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, w := range plan.Warnings {
		count[w.Service+" "+w.Key]++
	}
	for _, key := range []string{"container_name", "hostname", "links", "dns", "extra_hosts", "logging", "cap_add",
		"privileged", "shm_size", "stop_signal", "mem_swappiness", "oom_score_adj", "pid", "security_opt", "devices",
		"configs.nginx_conf", "x-aws-pull_credentials", "x-aws-policies", "x-aws-role", "x-custom", "deploy.placement",
		"deploy.mode", "deploy.resources.limits.pids", "deploy.restart_policy.max_attempts", "deploy.update_config.delay",
		"healthcheck.start_interval", "networks.front.aliases"} {
		if n := count["app "+key]; n != 1 {
			t.Errorf("service app, key %s: %d warnings, want 1", key, n)
		}
	}
	if count[" x-aws-vpc"] != 1 || count[" networks"] != 1 {
		t.Errorf("project warnings: %v", plan.Warnings)
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"cycle", "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n", "cycle"},
		{"bad x-ecs", "services:\n  a:\n    image: x\n    x-ecs: {launchTyp: EC2}\n", "launchTyp"},
		{"both", "services:\n  a:\n    image: x\n    x-ecs: {launchType: EC2, spot: true}\n", "exclude"},
		{"too big", "services:\n  a:\n    image: x\n    deploy: {resources: {limits: {cpus: '32'}}}\n", "no Fargate task size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "compose.yaml")
			if err := writeFile(path, tt.yaml); err != nil {
				t.Fatal(err)
			}
			p, err := Load(context.Background(), LoadOptions{Files: []string{path}})
			if err == nil {
				_, err = Convert(p, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}
