package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/tui"
)

// copyDir copies a directory tree (the example) for a test to edit.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if fi.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func editFile(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	writeAtomic(t, path, strings.Replace(string(b), old, new, 1))
}

// writeAtomic replaces a file by renaming a complete one over it, as editors do: the
// watcher sees one event and never a half-written file.
func writeAtomic(t *testing.T, path, content string) {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// Under --watch, an edit rolls exactly the services it changes, a broken edit leaves
// the stack alone, an edit of a build context rolls the service built from it, and a
// service removed from the file is deleted.
func TestComposeWatchSim(t *testing.T) {
	t.Setenv("WEB_PORT", "0")
	dir := t.TempDir()
	copyDir(t, filepath.Join("..", "..", "examples", "compose"), dir)
	file := filepath.Join(dir, "compose.yaml")
	notes := make(chan tui.Note, notesBuffer)
	addr, out := upComposeWith(t, upOptions{runtime: "sim", stateDir: t.TempDir(), watch: true, compose: composeFlags{files: []string{file}}, notes: notes})
	waitOutput(t, out, "compose: watching", "", 90*time.Second)
	waitNote(t, notes, tui.NoteOK, "project shop matches its files")

	mark := len(out.String())
	editFile(t, file, `"api ${API_VERSION:-v1}"`, `"api ${API_VERSION:-v2}"`)
	waitFor(t, out, mark, "updated service api")
	waitFor(t, out, mark, "shop: updated api")
	revs := serviceRevisions(t, addr, "shop", "web", "api", "worker", "db")
	want := map[string]string{"api": "shop-api:2", "web": "shop-web:1", "worker": "shop-worker:1", "db": "shop-db:1"}
	for k, v := range want {
		if revs[k] != v {
			t.Errorf("after editing api: %s runs %s, want %s", k, revs[k], v)
		}
	}

	mark = len(out.String())
	editFile(t, file, "services:", "services:\n  broken: [")
	waitFor(t, out, mark, "the running stack is unchanged")
	waitNote(t, notes, tui.NoteError, "the running stack is unchanged") // what the dashboard shows
	editFile(t, file, "services:\n  broken: [", "services:")
	waitFor(t, out, mark, "shop: no change")
	waitNote(t, notes, tui.NoteOK, "project shop matches its files")

	mark = len(out.String())
	writeAtomic(t, filepath.Join(dir, "web", "index.html"), "<h1>v2</h1>\n")
	waitFor(t, out, mark, "shop: updated web")
	if r := serviceRevisions(t, addr, "shop", "web")["web"]; r != "shop-web:2" {
		t.Errorf("after editing web's build context, web runs %s, want shop-web:2", r)
	}

	mark = len(out.String())
	editFile(t, file, `    expose: ["9000"]`, `    ports: ["0:9000"]`)
	waitFor(t, out, mark, "shop: updated api")
	if code, body := call(t, addr, "DescribeServices", `{"cluster":"shop","services":["api"]}`); code != 200 ||
		len(body["services"].([]any)[0].(map[string]any)["loadBalancers"].([]any)) != 1 {
		t.Errorf("a port published under --watch did not reach api's loadBalancers: %v", body)
	}

	mark = len(out.String())
	editFile(t, file, "  worker:\n", "  worker:\n    profiles: [jobs]\n")
	waitFor(t, out, mark, "deleted service worker")
	if _, ok := serviceRevisions(t, addr, "shop", "worker")["worker"]; ok {
		t.Error("worker is still ACTIVE after leaving the file")
	}
}

// waitNote waits for a note of the level holding text, as the dashboard would get it.
func waitNote(t *testing.T, notes <-chan tui.Note, level tui.NoteLevel, text string) {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case n := <-notes:
			if n.Source != "compose" {
				t.Errorf("note from %q, want compose", n.Source)
			}
			if n.Level == level && strings.Contains(n.Text, text) {
				return
			}
		case <-timeout:
			t.Fatalf("no note %q (level %d) within 60s", text, level)
		}
	}
}

// waitFor waits until the output after mark holds s.
func waitFor(t *testing.T, out *syncBuffer, mark int, s string) {
	t.Helper()
	out.await(t, mark, 60*time.Second, fmt.Sprintf("%q", s), func(text string) bool { return strings.Contains(text, s) })
}
