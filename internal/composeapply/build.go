package composeapply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// maxBuildContext bounds a build context read into memory (BuildImage sends it whole).
const maxBuildContext = 256 << 20

// builder builds the images of a plan's services that have build: on the local
// Docker Engine, each tagged with a hash of its context (<image>:ctx-<hash>), so that a
// changed context is a new image name and so a new task definition revision, and an
// unchanged one is not rebuilt.
type builder struct {
	// dryRun computes the tags without building (the simulated runtime needs no image).
	dryRun bool
	built  map[string]bool
	warned map[string]bool
}

// prepare builds what is needed and points each built service's container at its tag.
func (b *builder) prepare(ctx context.Context, plan *composeimport.Plan, logf func(string, ...any)) error {
	if b.built == nil {
		b.built, b.warned = map[string]bool{}, map[string]bool{}
	}
	var engine *dockerrt.Engine
	defer func() {
		if engine != nil {
			engine.Close()
		}
	}()
	for i := range plan.Services {
		s := &plan.Services[i]
		if s.Build == nil {
			continue
		}
		files, sum, err := readBuildContext(s.Build.Context, s.Build.Dockerfile)
		if err != nil {
			return fmt.Errorf("service %s: build: %w", s.Name, err)
		}
		tag := imageRepo(s.Build.Tag) + ":ctx-" + sum[:12]
		s.TaskDefinition.ContainerDefinitions[0].Image = &tag
		if len(s.Build.Args) > 0 && !b.warned[s.Name] {
			logf("warning: service %s: build.args: not passed (ecsmini builds from an in-memory context with the classic builder); the Dockerfile's ARG defaults apply", s.Name)
			b.warned[s.Name] = true
		}
		if b.dryRun || b.built[tag] {
			continue
		}
		if engine == nil {
			if engine, err = dockerrt.Connect(ctx); err != nil {
				return err
			}
		}
		logf("building %s from %s", tag, s.Build.Context)
		labels := map[string]string{"ecsmini.image": "compose", composeimport.ProjectTag: plan.Project}
		if err := engine.BuildImage(ctx, tag, files, labels); err != nil {
			return fmt.Errorf("service %s: build: %w", s.Name, err)
		}
		b.built[tag] = true
	}
	return nil
}

// imageRepo is an image name without its tag ("reg:5000/a/b:1" → "reg:5000/a/b").
func imageRepo(image string) string {
	slash := strings.LastIndex(image, "/")
	if colon := strings.LastIndex(image, ":"); colon > slash {
		return image[:colon]
	}
	return image
}

// readBuildContext reads a build context directory into memory, with the Dockerfile
// (a path relative to the context, or absolute) as "Dockerfile", and hashes it. .git
// is left out.
func readBuildContext(dir, dockerfile string) (map[string][]byte, string, error) {
	files := map[string][]byte{}
	total := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
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
		if total += len(data); total > maxBuildContext {
			return fmt.Errorf("context %s is larger than %d MiB", dir, maxBuildContext>>20)
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	df := dockerfile
	if !filepath.IsAbs(df) {
		df = filepath.Join(dir, df)
	}
	data, err := os.ReadFile(df)
	if err != nil {
		return nil, "", fmt.Errorf("dockerfile: %w", err)
	}
	files["Dockerfile"] = data
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	return files, hex.EncodeToString(h.Sum(nil)), nil
}
