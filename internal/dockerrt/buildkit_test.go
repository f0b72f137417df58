package dockerrt

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	bkclient "github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

func TestBuiltinSyntax(t *testing.T) {
	for src, want := range map[string]bool{
		"FROM scratch\n": false,
		"# syntax=docker/dockerfile:1\nFROM scratch\n":         true,
		"# syntax=docker/dockerfile:1.4\nFROM scratch\n":       true,
		"# syntax=docker.io/docker/dockerfile:1.7.1\nFROM x\n": true,
		"# syntax=docker/dockerfile\nFROM x\n":                 true,
		"# syntax=docker/dockerfile:1-labs\nFROM x\n":          false,
		"# syntax=docker/dockerfile:1.4@sha256:abc\nFROM x\n":  true,
		"# syntax=example.com/my/frontend:2\nFROM x\n":         false,
		"# syntax=docker/dockerfile-upstream:master\nFROM x\n": false,
	} {
		if got := builtinSyntax([]byte(src)); got != want {
			t.Errorf("builtinSyntax(%q) = %v, want %v", src, got, want)
		}
	}
}

func TestCacheEntries(t *testing.T) {
	got, err := cacheEntries([]string{"type=local,src=/tmp/c", "myrepo/app:cache"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Type != "local" || got[0].Attrs["src"] != "/tmp/c" || got[1].Type != "registry" || got[1].Attrs["ref"] != "myrepo/app:cache" {
		t.Errorf("cacheEntries = %+v", got)
	}
	for _, bad := range []string{"src=/x", "type=local,nonsense"} {
		if _, err := cacheEntries([]string{bad}); err == nil {
			t.Errorf("cacheEntries(%q) accepted", bad)
		}
	}
}

// The printer numbers steps, prints their output and ends, and keeps a failed step's
// last lines for the error.
func TestStatusPrinter(t *testing.T) {
	var out bytes.Buffer
	p := newStatusPrinter(&out)
	d := digest.FromString("step")
	start := time.Unix(100, 0)
	done := start.Add(1500 * time.Millisecond)
	p.print(&bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{{Digest: d, Name: "[1/2] RUN make", Started: &start}}})
	p.print(&bkclient.SolveStatus{Logs: []*bkclient.VertexLog{{Vertex: d, Data: []byte("compiling\npart")}, {Vertex: d, Data: []byte("ial line\n")}}})
	p.print(&bkclient.SolveStatus{Vertexes: []*bkclient.Vertex{{Digest: d, Name: "[1/2] RUN make", Started: &start, Completed: &done, Error: "exit code: 2"}}})
	want := "#1 [1/2] RUN make\n#1 compiling\n#1 partial line\n#1 ERROR: exit code: 2\n"
	if out.String() != want {
		t.Errorf("printed %q, want %q", out.String(), want)
	}
	if logs := p.failedLogs(); !strings.Contains(logs, "[1/2] RUN make:") || !strings.Contains(logs, "partial line") {
		t.Errorf("failedLogs = %q", logs)
	}
}

func TestExplainSyntaxLeavesOtherErrors(t *testing.T) {
	dir := t.TempDir()
	err := errors.New("boom")
	if got := explainSyntax(err, BuildSpec{ContextDir: dir}); got != "boom" {
		t.Errorf("explainSyntax without a Dockerfile = %q", got)
	}
}
