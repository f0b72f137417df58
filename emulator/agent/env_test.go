package agent

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestParseEnvFile(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]string
	}{
		{"simple", "A=1\nB=two\n", map[string]string{"A": "1", "B": "two"}},
		{"comments and blank lines", "# a comment\n\nA=1\n  \n#B=2\n", map[string]string{"A": "1"}},
		{"quotes and spaces kept", `A="quoted"` + "\nB= spaced \nC='x'\n", map[string]string{"A": `"quoted"`, "B": " spaced ", "C": "'x'"}},
		{"first = splits", "URL=postgres://h/db?sslmode=disable\n", map[string]string{"URL": "postgres://h/db?sslmode=disable"}},
		{"no escapes or expansion", `A=\n$HOME` + "\n", map[string]string{"A": `\n$HOME`}},
		{"empty name or value skipped", "=x\nA=\nB=1\n", map[string]string{"B": "1"}},
		{"line without = skipped", "export\nA=1\n", map[string]string{"A": "1"}},
		{"later line wins in a file", "A=1\nA=2\n", map[string]string{"A": "2"}},
		{"CRLF", "A=1\r\nB=2\r\n", map[string]string{"A": "1", "B": "2"}},
		{"indented comment is a line", " #A=1\n", map[string]string{" #A": "1"}},
		{"no trailing newline", "A=1", map[string]string{"A": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseEnvFile(strings.NewReader(tc.in))
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("parseEnvFile(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestLoadEnvFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first := write("first.env", "A=first\nB=first\n")
	second := write("second.env", "B=second\nC=second\n")
	files := func(values ...string) []ecs.EnvironmentFile {
		var out []ecs.EnvironmentFile
		for _, v := range values {
			out = append(out, ecs.EnvironmentFile{Value: v, Type: "s3"})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		files   []ecs.EnvironmentFile
		want    map[string]string
		wantErr string
	}{
		{"none", nil, nil, ""},
		{"first file wins", files(first, second), map[string]string{"A": "first", "B": "first", "C": "second"}, ""},
		{"order matters", files(second, first), map[string]string{"A": "first", "B": "second", "C": "second"}, ""},
		{"file URL", files("file://" + first), map[string]string{"A": "first", "B": "first"}, ""},
		{"file URL with localhost", files("file://localhost" + first), map[string]string{"A": "first", "B": "first"}, ""},
		{"S3 ARN", files("arn:aws:s3:::bucket/app.env"),
			nil, "failed to download env files: arn:aws:s3:::bucket/app.env: ecsmini runs offline; use a local path"},
		{"s3 URL", files("s3://bucket/app.env"), nil, "ecsmini runs offline; use a local path"},
		{"relative path", files("app.env"), nil, `failed to download env files: "app.env": want an absolute path`},
		{"remote file URL", files("file://server/app.env"), nil, "must name a local file"},
		{"missing file", files(filepath.Join(dir, "nope.env")), nil, "failed to download env files: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := loadEnvFiles(tc.files)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				if !strings.HasPrefix(err.Error(), msgEnvFiles) {
					t.Errorf("error %q does not start with ECS's %q", err, msgEnvFiles)
				}
				return
			}
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("loadEnvFiles = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
