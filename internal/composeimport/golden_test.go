package composeimport

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// goldenPlan is what a golden file holds: the plan as `ecsmini convert` prints it,
// with the fixture's directory written as $PROJECT_DIR.
func goldenPlan(t *testing.T, dir string) []byte {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load(context.Background(), LoadOptions{Files: []string{filepath.Join(abs, "compose.yaml")}, Env: []string{"WEB_VERSION=7"}})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	plan, err := Convert(p, Options{})
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	clean, err := Clean(plan)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, clean, "", "  "); err != nil {
		t.Fatal(err)
	}
	buf.WriteByte('\n')
	return bytes.ReplaceAll(buf.Bytes(), []byte(abs), []byte("$PROJECT_DIR"))
}

// TestGolden converts each fixture under testdata and compares the plan, warnings
// included, with its golden.json (go test -update rewrites them).
func TestGolden(t *testing.T) {
	for _, name := range []string{"stack", "unsupported", "spot", "ec2"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("testdata", name)
			got := goldenPlan(t, dir)
			path := filepath.Join(dir, "golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the conversion (go test ./internal/composeimport -update, then review the diff):\n%s", path, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n want: %s\n  got: %s", i+1, wl, gl)
		}
	}
	return ""
}
