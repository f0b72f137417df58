package dockerrt

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeContext(t *testing.T, dir, name, host string) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	d := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	meta := `{"Name":"` + name + `","Endpoints":{"docker":{"Host":"` + host + `"}}}`
	if err := os.WriteFile(filepath.Join(d, "meta.json"), []byte(meta), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestResolveHost(t *testing.T) {
	tests := []struct {
		name, dockerHost, envContext, config, want, wantErr string
	}{
		{name: "DOCKER_HOST wins", dockerHost: "tcp://1.2.3.4:2375", config: `{"currentContext":"colima"}`, want: ""},
		{name: "no config", want: ""},
		{name: "default context", config: `{"currentContext":"default"}`, want: ""},
		{name: "current context", config: `{"currentContext":"colima"}`, want: "unix:///home/u/.colima/docker.sock"},
		{name: "DOCKER_CONTEXT overrides config", envContext: "desktop", config: `{"currentContext":"colima"}`, want: "unix:///desktop.sock"},
		{name: "unknown context", config: `{"currentContext":"gone"}`, wantErr: `docker context "gone"`},
		{name: "bad config", config: `{`, wantErr: "docker config"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeContext(t, dir, "colima", "unix:///home/u/.colima/docker.sock")
			writeContext(t, dir, "desktop", "unix:///desktop.sock")
			if tt.config != "" {
				os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600)
			}
			t.Setenv("DOCKER_CONFIG", dir)
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			t.Setenv("DOCKER_CONTEXT", tt.envContext)
			got, err := resolveHost()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("resolveHost() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
