package composeimport

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The BuildKit options of build: carry over: secrets from the project's file or
// environment secrets, ssh, cache, labels, no_cache, extra_hosts, shm_size.
func TestBuildOptionsCarryOver(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "token.txt"), []byte("t"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM scratch\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "compose.yaml")
	compose := `name: b
services:
  web:
    build:
      context: .
      target: prod
      args: {A: "1"}
      labels: {team: web}
      secrets: [token, apikey]
      ssh: [default, "deploy=/keys/id"]
      cache_from: ["type=local,src=/c"]
      cache_to: ["type=local,dest=/c"]
      no_cache: true
      extra_hosts: ["db=10.0.0.2"]
      shm_size: 64m
secrets:
  token: {file: ./token.txt}
  apikey: {environment: API_KEY}
`
	if err := os.WriteFile(file, []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := Load(context.Background(), LoadOptions{Files: []string{file}})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := Convert(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := plan.Services[0].Build
	if b == nil {
		t.Fatal("no build")
	}
	wantSecrets := []BuildSecret{{ID: "token", File: filepath.Join(dir, "token.txt")}, {ID: "apikey", Env: "API_KEY"}}
	if !slices.Equal(b.Secrets, wantSecrets) {
		t.Errorf("secrets = %+v, want %+v", b.Secrets, wantSecrets)
	}
	if !slices.Equal(b.SSH, []string{"default", "deploy=/keys/id"}) {
		t.Errorf("ssh = %v", b.SSH)
	}
	if b.Target != "prod" || b.Args["A"] != "1" || b.Labels["team"] != "web" || !b.NoCache || b.ShmSize != 64<<20 ||
		!slices.Equal(b.CacheFrom, []string{"type=local,src=/c"}) || !slices.Equal(b.CacheTo, []string{"type=local,dest=/c"}) ||
		!slices.Equal(b.ExtraHosts, []string{"db:10.0.0.2"}) {
		t.Errorf("build = %+v", b)
	}
	for _, w := range plan.Warnings {
		if w.Key == "build.secrets" || w.Key == "build.ssh" || w.Key == "build.cache_from" {
			t.Errorf("warned about a key that is passed: %+v", w)
		}
	}
}
