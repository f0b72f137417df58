package composeapply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
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
// Docker Engine (with its BuildKit), each tagged with a hash of its context and build
// options (<image>:ctx-<hash>), so that a changed context is a new image name and so a
// new task definition revision, and an unchanged one is not rebuilt.
type builder struct {
	// dryRun computes the tags without building (the simulated runtime needs no image).
	dryRun bool
	built  map[string]bool
}

// prepare builds what is needed and points each built service's container at its tag.
// A service whose image does not build is returned as a failure with the builder's
// message, and the others go on.
func (b *builder) prepare(ctx context.Context, plan *composeimport.Plan, logf func(string, ...any), progress io.Writer) []Failure {
	if b.built == nil {
		b.built = map[string]bool{}
	}
	var failed []Failure
	fail := func(s *composeimport.Service, err error) {
		failed = append(failed, Failure{Service: s.Name, Reason: "build: " + err.Error()})
		logf("service %s: build failed: %v", s.Name, err)
	}
	var engine *dockerrt.Engine
	var engineErr error
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
		_, sum, err := readBuildContext(s.Build.Context, s.Build.Dockerfile)
		if err != nil {
			fail(s, err)
			continue
		}
		tag := imageRepo(s.Build.Tag) + ":ctx-" + buildHash(sum, s.Build)[:12]
		s.TaskDefinition.ContainerDefinitions[0].Image = &tag
		if b.dryRun || b.built[tag] {
			continue
		}
		if engine == nil && engineErr == nil {
			engine, engineErr = dockerrt.Connect(ctx)
		}
		if engineErr != nil {
			fail(s, engineErr)
			continue
		}
		logf("building %s from %s", tag, s.Build.Context)
		labels := map[string]string{"ecsmini.image": "compose", composeimport.ProjectTag: plan.Project}
		for k, v := range s.Build.Labels {
			labels[k] = v
		}
		spec := dockerrt.BuildSpec{Tag: tag, ContextDir: s.Build.Context, Dockerfile: s.Build.Dockerfile,
			Args: s.Build.Args, Target: s.Build.Target, Labels: labels, SSH: s.Build.SSH,
			CacheFrom: s.Build.CacheFrom, CacheTo: s.Build.CacheTo, NoCache: s.Build.NoCache,
			ExtraHosts: s.Build.ExtraHosts, ShmSize: s.Build.ShmSize, Progress: progress}
		for _, sec := range s.Build.Secrets {
			spec.Secrets = append(spec.Secrets, dockerrt.BuildSecret{ID: sec.ID, File: sec.File, Env: sec.Env})
		}
		if err := engine.Build(ctx, spec); err != nil {
			fail(s, err)
			continue
		}
		b.built[tag] = true
	}
	return failed
}

// buildHash mixes the context's hash with the build options that change the image.
func buildHash(contextSum string, b *composeimport.Build) string {
	h := sha256.New()
	opts, _ := json.Marshal(struct {
		Args   map[string]string `json:"args"`
		Target string            `json:"target"`
		Labels map[string]string `json:"labels"`
	}{b.Args, b.Target, b.Labels}) // maps marshal in key order: stable
	fmt.Fprintf(h, "%s\x00%s", contextSum, opts)
	return hex.EncodeToString(h.Sum(nil))
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
