//go:build docker

package dockerrt

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bkDockerfile uses what the classic builder and old built-in frontends reject: a
// syntax line, heredocs, RUN --mount (bind and secret), COPY --chmod and --link, a
// build argument and a target stage. RUN uses exec form: the base image (the tier's
// FROM scratch ecsmini) has no /bin/sh, only `ecsmini workload sh`.
const bkDockerfile = `# syntax=docker/dockerfile:1.4
ARG BASE
FROM ${BASE} AS base
ARG WHO=nobody
ENV WHO=${WHO}
COPY <<EOF /greeting.txt
hello from a heredoc
EOF
COPY --chmod=0741 run.sh /run.sh
COPY --link data.txt /data.txt
RUN --mount=type=bind,source=data.txt,target=/mnt/data.txt ["/ecsmini", "workload", "sh", "-c", "cat /mnt/data.txt"]
RUN --mount=type=secret,id=token ["/ecsmini", "workload", "sh", "-c", "cat /run/secrets/token"]

FROM base AS final
LABEL stage=final

FROM base AS other
LABEL stage=other
`

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBuildKitDockerfile (issue 18, item 2) builds bkDockerfile on the engine's
// embedded BuildKit and checks the image: heredoc content, --chmod mode, --link file,
// the secret and bind mount seen by RUN (in the progress), the build arg, the target.
func TestBuildKitDockerfile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": bkDockerfile, "run.sh": "#!/bin/sh\n", "data.txt": "data from the context\n"})
	secret := filepath.Join(t.TempDir(), "token")
	writeFiles(t, filepath.Dir(secret), map[string]string{"token": "s3cret-value\n"})
	tag := uniq("ecsmini-bk") + ":latest"
	t.Cleanup(func() { _ = testEngine.RemoveImage(context.Background(), tag) })
	var progress bytes.Buffer
	err := testEngine.Build(ctx, BuildSpec{Tag: tag, ContextDir: dir, Args: map[string]string{"BASE": testImage, "WHO": "ecsmini"},
		Target: "final", Labels: withTestLabel(nil), Secrets: []BuildSecret{{ID: "token", File: secret}}, Progress: &progress,
		NoCache: true}) // so that RUN runs, and prints, on every run of the test
	if err != nil {
		t.Fatalf("build: %v\nprogress:\n%s", err, &progress)
	}
	for _, want := range []string{"data from the context", "s3cret-value", "DONE"} {
		if !strings.Contains(progress.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, &progress)
		}
	}
	in, err := testEngine.cli.ImageInspect(ctx, tag)
	if err != nil {
		t.Fatal(err)
	}
	if got := in.Config.Labels["stage"]; got != "final" {
		t.Errorf("label stage = %q, want final (the target)", got)
	}
	if !strings.Contains(strings.Join(in.Config.Env, " "), "WHO=ecsmini") {
		t.Errorf("env %v lacks the build arg WHO=ecsmini", in.Config.Env)
	}
	files := imageFiles(t, ctx, tag, "/greeting.txt", "/run.sh", "/data.txt")
	if got := files["greeting.txt"].data; got != "hello from a heredoc\n" {
		t.Errorf("/greeting.txt = %q", got)
	}
	if got := files["run.sh"].mode; got != 0o741 {
		t.Errorf("/run.sh mode = %o, want 741 (COPY --chmod)", got)
	}
	if got := files["data.txt"].data; got != "data from the context\n" {
		t.Errorf("/data.txt = %q (COPY --link)", got)
	}
}

// TestBuildKitFailures: a failing step fails the build with the builder's message and
// the step's output; a Dockerfile naming a frontend image that cannot be pulled says
// so plainly.
func TestBuildKitFailures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	tests := []struct {
		name, dockerfile string
		want             []string
	}{
		{"step fails", "FROM " + testImage + "\nRUN [\"/ecsmini\", \"workload\", \"--log\", \"about to fail\", \"--exit-code\", \"7\", \"--exit-after\", \"1ms\"]\n",
			[]string{"exit code: 7", "about to fail"}},
		{"parse error", "FROM " + testImage + "\nNOTACOMMAND x\n", []string{"unknown instruction", "NOTACOMMAND"}},
		{"unpullable frontend", "# syntax=ecsmini.invalid/frontend:1\nFROM scratch\n",
			[]string{"'# syntax=ecsmini.invalid/frontend:1' line asks for a frontend image that cannot be had", "docker/dockerfile:1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"Dockerfile": tc.dockerfile})
			tag := uniq("ecsmini-bk-fail") + ":latest"
			t.Cleanup(func() { _ = testEngine.RemoveImage(context.Background(), tag) })
			err := testEngine.Build(ctx, BuildSpec{Tag: tag, ContextDir: dir, Labels: withTestLabel(nil)})
			if err == nil {
				t.Fatal("build succeeded")
			}
			t.Logf("the error: %v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
}

type imageFile struct {
	data string
	mode int64
}

// imageFiles reads files out of an image (docker create + docker cp), by base name.
func imageFiles(t *testing.T, ctx context.Context, image string, paths ...string) map[string]imageFile {
	t.Helper()
	out, err := exec.CommandContext(ctx, "docker", "create", "--label", testLabelKey+"="+testLabelValue, image).Output()
	if err != nil {
		t.Fatalf("docker create: %v", err)
	}
	id := strings.TrimSpace(string(out))
	defer exec.Command("docker", "rm", "-f", id).Run()
	files := map[string]imageFile{}
	for _, p := range paths {
		raw, err := exec.CommandContext(ctx, "docker", "cp", id+":"+p, "-").Output()
		if err != nil {
			t.Fatalf("docker cp %s: %v", p, err)
		}
		tr := tar.NewReader(bytes.NewReader(raw))
		hdr, err := tr.Next()
		if err != nil {
			t.Fatalf("docker cp %s: %v", p, err)
		}
		data, _ := io.ReadAll(tr)
		files[filepath.Base(p)] = imageFile{data: string(data), mode: hdr.Mode & 0o7777}
	}
	return files
}
