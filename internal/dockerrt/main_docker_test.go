//go:build docker

package dockerrt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
)

// testLabel is on everything the docker tier creates; the leak check after the run
// looks for it.
const testLabelKey, testLabelValue = "ecsmini.test", "1"

var (
	testEngine *Engine
	testImage  string // ecsmini-conformance:<random>: FROM scratch, ENTRYPOINT /ecsmini
)

// TestMain connects to the engine and packages ecsmini as a FROM scratch image (no
// registry is reachable), runs the tier, then removes the image and checks that
// nothing labelled ecsmini.test=1 is left. An unreachable engine fails the tier: it is
// selected on purpose (the docker build tag), so skipping would hide a broken CI.
// ECSMINI_TEST_BINARY names a prebuilt static ecsmini to package instead of building
// one (useful while the working tree does not build).
func TestMain(m *testing.M) {
	os.Exit(runTier(m))
}

func runTier(m *testing.M) int {
	// Compiling ecsmini (BuildKit's frontend included) takes minutes on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	e, err := Connect(ctx)
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: the docker tier needs a Docker Engine: %v\n", err)
		return 1
	}
	defer e.Close()
	testEngine = e
	start := time.Now()
	testImage = fmt.Sprintf("ecsmini-conformance:%08x", rand.Uint32())
	if err := buildTestImage(ctx, e, testImage); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: building the test image: %v\n", err)
		e.RemoveImage(context.Background(), testImage)
		return 1
	}
	fmt.Fprintf(os.Stderr, "built %s in %v\n", testImage, time.Since(start).Round(time.Millisecond))
	code := m.Run()
	cleanCtx, cleanCancel := context.WithTimeout(context.Background(), time.Minute)
	defer cleanCancel()
	if err := e.RemoveImage(cleanCtx, testImage); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: removing %s: %v\n", testImage, err)
		code = 1
	}
	if leaks := reapLeaks(cleanCtx, e); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: left behind (now removed):\n  %s\n", strings.Join(leaks, "\n  "))
		code = 1
	}
	return code
}

// buildTestImage compiles ecsmini statically and packages it as the image every
// docker-tier container runs (`/ecsmini workload ...`).
func buildTestImage(ctx context.Context, e *Engine, tag string) error {
	bin := os.Getenv("ECSMINI_TEST_BINARY")
	if bin == "" {
		dir, err := os.MkdirTemp("", "ecsmini-dockerrt-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "ecsmini")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/ecsmini/ecsmini")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %w\n%s", err, out)
		}
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"Dockerfile": []byte("FROM scratch\nCOPY ecsmini /ecsmini\nENTRYPOINT [\"/ecsmini\"]\n"),
		"ecsmini":    exe,
	}
	return e.BuildImage(ctx, tag, files, map[string]string{testLabelKey: testLabelValue})
}

// reapLeaks removes and reports every container, network, volume and image carrying
// the test label.
func reapLeaks(ctx context.Context, e *Engine) []string {
	args := filters.NewArgs(filters.Arg("label", testLabelKey+"="+testLabelValue))
	var leaks []string
	report := func(kind, name string, err error) {
		s := kind + " " + name
		if err != nil {
			s += " (removing failed: " + err.Error() + ")"
		}
		leaks = append(leaks, s)
	}
	if cs, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: args}); err != nil {
		report("container list", "", err)
	} else {
		for _, c := range cs {
			report("container", strings.Join(c.Names, ","), e.Remove(ctx, c.ID))
		}
	}
	if ns, err := e.cli.NetworkList(ctx, network.ListOptions{Filters: args}); err != nil {
		report("network list", "", err)
	} else {
		for _, n := range ns {
			report("network", n.Name, e.RemoveNetwork(ctx, n.ID))
		}
	}
	if vs, err := e.cli.VolumeList(ctx, volume.ListOptions{Filters: args}); err != nil {
		report("volume list", "", err)
	} else {
		for _, v := range vs.Volumes {
			report("volume", v.Name, e.RemoveVolume(ctx, v.Name))
		}
	}
	if is, err := e.cli.ImageList(ctx, image.ListOptions{All: true, Filters: args}); err != nil {
		report("image list", "", err)
	} else {
		for _, i := range is {
			report("image", strings.Join(i.RepoTags, ","), e.RemoveImage(ctx, i.ID))
		}
	}
	return leaks
}

// withTestLabel returns labels plus the tier's label.
func withTestLabel(labels map[string]string) map[string]string {
	out := map[string]string{testLabelKey: testLabelValue}
	for k, v := range labels {
		out[k] = v
	}
	return out
}
