package dockerrt

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/docker/docker/api/types/build"
)

// BuildImage builds an image tagged tag from an in-memory build context: files maps
// paths (one of them "Dockerfile") to contents. It uses the classic builder, which
// needs no BuildKit session and builds `FROM scratch` images with no registry at all —
// how `ecsmini image build` packages ecsmini itself. Intermediate containers are
// removed even when the build fails.
func (e *Engine) BuildImage(ctx context.Context, tag string, files map[string][]byte, labels map[string]string) error {
	if _, ok := files["Dockerfile"]; !ok {
		return fmt.Errorf("build %s: the build context has no Dockerfile", tag)
	}
	tarball, err := buildContext(files)
	if err != nil {
		return fmt.Errorf("build %s: %w", tag, err)
	}
	resp, err := e.cli.ImageBuild(ctx, bytes.NewReader(tarball), build.ImageBuildOptions{
		Tags:        []string{tag},
		Labels:      labels,
		Dockerfile:  "Dockerfile",
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return wrapErr("build "+tag, err, false)
	}
	defer resp.Body.Close()
	var tail []string // the last lines of build output, to explain a failure
	err = readStream(resp.Body, func(line string) {
		if tail = append(tail, line); len(tail) > 10 {
			tail = tail[1:]
		}
	})
	if err != nil {
		return fmt.Errorf("build %s: %w\n%s", tag, err, strings.Join(tail, "\n"))
	}
	return nil
}

// buildContext tars files in a stable order. Executables (ELF binaries and scripts
// starting with #!) get mode 0755 so COPY keeps them runnable; everything else 0644.
func buildContext(files map[string][]byte) ([]byte, error) {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range names {
		data := files[name]
		mode := int64(0o644)
		if bytes.HasPrefix(data, []byte("\x7fELF")) || bytes.HasPrefix(data, []byte("#!")) {
			mode = 0o755
		}
		hdr := &tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("tar %s: %w", name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("tar: %w", err)
	}
	return buf.Bytes(), nil
}

// streamMessage is one JSON message of the engine's pull and build progress streams.
type streamMessage struct {
	Stream      string `json:"stream"`
	Status      string `json:"status"`
	Error       string `json:"error"`
	ErrorDetail *struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// readStream consumes a progress stream to its end, passing text lines to onLine (when
// not nil). The engine reports a failed pull or build inside the stream (with a 200
// status), so an error message there is returned as the error.
func readStream(r io.Reader, onLine func(string)) error {
	dec := json.NewDecoder(r)
	for {
		var m streamMessage
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading the engine's progress stream: %w", err)
		}
		if m.ErrorDetail != nil && m.ErrorDetail.Message != "" {
			return errors.New(m.ErrorDetail.Message)
		}
		if m.Error != "" {
			return errors.New(m.Error)
		}
		if onLine == nil {
			continue
		}
		for _, line := range strings.Split(strings.TrimRight(m.Stream+m.Status, "\n"), "\n") {
			if line != "" {
				onLine(line)
			}
		}
	}
}
