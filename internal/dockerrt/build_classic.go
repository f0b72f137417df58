package dockerrt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/docker/docker/api/types/build"
)

// maxClassicContext bounds a build context the classic builder is sent (in memory).
const maxClassicContext = 256 << 20

// buildClassic builds spec with the engine's classic builder, for an engine without
// BuildKit. What only BuildKit does (secrets, SSH, cache export) is refused by name
// rather than ignored.
func (e *Engine) buildClassic(ctx context.Context, spec BuildSpec, progress io.Writer) error {
	switch {
	case len(spec.Secrets) > 0:
		return fmt.Errorf("build %s: secrets need BuildKit, which this engine lacks", spec.Tag)
	case len(spec.SSH) > 0:
		return fmt.Errorf("build %s: ssh needs BuildKit, which this engine lacks", spec.Tag)
	case len(spec.CacheTo) > 0:
		return fmt.Errorf("build %s: cache_to needs BuildKit, which this engine lacks", spec.Tag)
	}
	files, err := readDir(spec.ContextDir)
	if err != nil {
		return fmt.Errorf("build %s: %w", spec.Tag, err)
	}
	df := spec.Dockerfile
	if df == "" {
		df = "Dockerfile"
	}
	if filepath.IsAbs(df) {
		data, err := os.ReadFile(df)
		if err != nil {
			return fmt.Errorf("build %s: dockerfile: %w", spec.Tag, err)
		}
		df = ".ecsmini.Dockerfile"
		files[df] = data
	}
	tarball, err := buildContext(files)
	if err != nil {
		return fmt.Errorf("build %s: %w", spec.Tag, err)
	}
	args := map[string]*string{}
	for k, v := range spec.Args {
		args[k] = &v
	}
	resp, err := e.cli.ImageBuild(ctx, bytes.NewReader(tarball), build.ImageBuildOptions{
		Tags: []string{spec.Tag}, Labels: spec.Labels, Dockerfile: filepath.ToSlash(df), BuildArgs: args,
		Target: spec.Target, NoCache: spec.NoCache, CacheFrom: spec.CacheFrom, ExtraHosts: spec.ExtraHosts,
		ShmSize: spec.ShmSize, Platform: spec.Platform, Remove: true, ForceRemove: true, Version: build.BuilderV1,
	})
	if err != nil {
		return wrapErr("build "+spec.Tag, err, false)
	}
	defer resp.Body.Close()
	var tail []string
	err = readStream(resp.Body, func(line string) {
		fmt.Fprintln(progress, line)
		if tail = append(tail, line); len(tail) > tailLines {
			tail = tail[1:]
		}
	})
	if err != nil {
		return fmt.Errorf("build %s: %w\n%s", spec.Tag, err, strings.Join(tail, "\n"))
	}
	return nil
}

// readDir reads the regular files under dir (leaving .git out) into memory, by
// slash-separated relative path.
func readDir(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	total := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if total += len(data); total > maxClassicContext {
			return errors.New("context " + dir + " is larger than 256 MiB")
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	return files, err
}
