package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUpRefusesDamagedStateUnlessRecover checks `ecsmini up` on damaged state: it
// refuses to start with a message that says what is damaged and names --recover; with
// --recover it starts with what is intact and says what it dropped.
func TestUpRefusesDamagedStateUnlessRecover(t *testing.T) {
	dir := t.TempDir()
	addr, _, stop := startUp(t, upOptions{runtime: "sim", stateDir: dir})
	call(t, addr, "CreateCluster", `{"clusterName":"kept"}`)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	journals, _ := filepath.Glob(filepath.Join(dir, "journal-*.jsonl"))
	if len(journals) != 1 {
		t.Fatalf("journal segments = %v, want one", journals)
	}
	if err := os.Remove(journals[0]); err != nil {
		t.Fatal(err)
	}

	err := runUp(context.Background(), upOptions{runtime: "sim", stateDir: dir, listen: "127.0.0.1:0"}, io.Discard, io.Discard, nil)
	if err == nil || !strings.Contains(err.Error(), "is missing") || !strings.Contains(err.Error(), "--recover") {
		t.Fatalf("up on damaged state: err = %v, want it to say what is missing and name --recover", err)
	}

	addr, out, _ := startUp(t, upOptions{runtime: "sim", stateDir: dir, recover: true})
	if !strings.Contains(out.String(), "recovered the damaged state") || !strings.Contains(out.String(), filepath.Base(journals[0])) {
		t.Fatalf("up --recover did not say what it dropped:\n%s", out)
	}
	if _, m := call(t, addr, "DescribeClusters", `{"clusters":["kept"]}`); len(m["clusters"].([]any)) != 1 {
		t.Fatalf("the intact snapshot's cluster is gone after recovery: %v", m)
	}
}

func TestUpFsyncFlagDefaultsOn(t *testing.T) {
	f := newUpCmd().Flags().Lookup("fsync")
	if f == nil || f.DefValue != "true" {
		t.Fatalf("--fsync flag = %+v, want default true", f)
	}
	if newUpCmd().Flags().Lookup("recover") == nil {
		t.Fatal("no --recover flag")
	}
}
