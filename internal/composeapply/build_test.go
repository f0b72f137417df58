package composeapply

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeimport"
)

func TestImageRepo(t *testing.T) {
	for in, want := range map[string]string{
		"web":                 "web",
		"web:1":               "web",
		"shop-web:latest":     "shop-web",
		"reg:5000/a/b:1":      "reg:5000/a/b",
		"reg:5000/a/b":        "reg:5000/a/b",
		"ecsmini-demo:latest": "ecsmini-demo",
	} {
		if got := imageRepo(in); got != want {
			t.Errorf("imageRepo(%q) = %q, want %q", in, got, want)
		}
	}
}

// The context hash changes with any file of the context (or the Dockerfile named
// outside it) and with nothing else; .git is left out.
func TestReadBuildContextHash(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, s string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM scratch\n")
	write("app/main.txt", "v1")
	hash := func() string {
		t.Helper()
		files, sum, err := readBuildContext(dir, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := files["app/main.txt"]; !ok {
			t.Fatalf("context files %v lack app/main.txt", files)
		}
		return sum
	}
	first := hash()
	if again := hash(); again != first {
		t.Fatal("the same context hashed differently")
	}
	write(".git/HEAD", "ref")
	if h := hash(); h != first {
		t.Error(".git changed the hash")
	}
	write("app/main.txt", "v2")
	if h := hash(); h == first {
		t.Error("a changed file kept the hash")
	}
	if _, _, err := readBuildContext(dir, "missing.Dockerfile"); err == nil {
		t.Error("a missing Dockerfile was not an error")
	}
}

func TestWatcherRelevant(t *testing.T) {
	w := &watcher{files: map[string]bool{"/p/compose.yaml": true, "/p/.env": true}, contexts: []string{"/p/web"}}
	for path, want := range map[string]bool{
		"/p/compose.yaml": true, "/p/.env": true, "/p/other.yaml": false, "/p/web/index.html": true,
		"/p/web": true, "/p/webby/x": false, "/p/web/.git/index": false,
	} {
		if got := w.relevant(path); got != want {
			t.Errorf("relevant(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestFailingToStart(t *testing.T) {
	svc := &composeimport.Service{Name: "api", Service: &ecs.CreateServiceInput{ServiceName: "api"}}
	failed := func() *ecs.Task {
		return &ecs.Task{LastStatus: ecs.StatusStopped, StopCode: ecs.StopTaskFailedToStart, StoppedReason: "CannotPullContainerError: no image"}
	}
	running := &ecs.Task{LastStatus: ecs.StatusRunning}
	tests := []struct {
		name    string
		tasks   []*ecs.Task
		wantErr bool
	}{
		{"none", nil, false},
		{"two failures", []*ecs.Task{failed(), failed()}, false},
		{"three failures", []*ecs.Task{failed(), failed(), failed()}, true},
		{"three failures and one running", []*ecs.Task{failed(), failed(), failed(), running}, false},
	}
	for _, tt := range tests {
		if err := failingToStart(svc, tt.tasks); (err != nil) != tt.wantErr {
			t.Errorf("%s: %v, want error %v", tt.name, err, tt.wantErr)
		}
	}
}
