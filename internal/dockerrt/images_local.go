package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/docker/docker/api/types/image"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// LabelBuild, on an image an ImageMaker built, identifies what it was built from (for
// ecsmini's own image, a hash of the binary packaged), so that an image left by another
// ecsmini build is known stale and built again.
const LabelBuild = "ecsmini.build"

// ImageMaker builds the image ref on this engine. It stands in for a pull of an image
// no registry has (ecsmini's own workload and pause image), so tasks that need it find
// it on first need, without a manual build step.
type ImageMaker func(ctx context.Context, e *Engine, ref string) error

// localImages holds the makers of images built on this machine, by ref; mu
// serialises their builds so that two tasks needing the image at once build it once.
type localImages struct {
	mu     sync.Mutex
	makers map[string]localMaker
	// checked are the refs whose image was found (or made) current since this Engine
	// connected: EnsureImage only inspects them from then on.
	checked map[string]bool
}

// localMaker is a ref's maker and the LabelBuild value its image must carry ("" takes
// any image of that ref as current).
type localMaker struct {
	make  ImageMaker
	build string
}

// MakeLocally registers maker for refs: EnsureImage of one of them, when the engine
// does not have it, builds it with maker instead of pulling it.
func (e *Engine) MakeLocally(maker ImageMaker, refs ...string) {
	e.MakeLocallyFrom(maker, "", refs...)
}

// MakeLocallyFrom is MakeLocally for images that maker labels LabelBuild=build: the
// first EnsureImage of one of refs also builds it again when the engine's image carries
// another build (an older ecsmini made it), and removes the image it replaces unless a
// container still uses that one.
func (e *Engine) MakeLocallyFrom(maker ImageMaker, build string, refs ...string) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	if e.local.makers == nil {
		e.local.makers = map[string]localMaker{}
		e.local.checked = map[string]bool{}
	}
	for _, ref := range refs {
		e.local.makers[ref] = localMaker{make: maker, build: build}
		delete(e.local.checked, ref)
	}
}

// ensureLocal makes ref current with its registered maker: built when absent, or
// stale on its first look; ok is false when ref has no maker, or was checked already
// and is present (then EnsureImage's inspect is the whole answer).
func (e *Engine) ensureLocal(ctx context.Context, ref string, present bool) (img containers.Image, ok bool, err error) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	m, registered := e.local.makers[ref]
	if !registered || (present && e.local.checked[ref]) {
		return containers.Image{}, false, nil
	}
	in, err := e.cli.ImageInspect(ctx, ref)
	err = wrapErr("image "+ref, err, true)
	stale := ""
	switch {
	case err == nil && (m.build == "" || in.Config == nil || in.Config.Labels[LabelBuild] == m.build):
		e.local.checked[ref] = true
		img, err = e.inspectImage(ctx, ref)
		return img, true, err
	case err == nil:
		stale = in.ID
	case !errors.Is(err, containers.ErrImageNotFound):
		return containers.Image{}, true, err
	}
	if err := m.make(ctx, e, ref); err != nil {
		return containers.Image{}, true, &engineError{kind: containers.ErrImageNotFound, op: "build " + ref, err: fmt.Errorf("building it from ecsmini: %w", err)}
	}
	e.local.checked[ref] = true
	img, err = e.inspectImage(ctx, ref)
	if err == nil && stale != "" && stale != img.ID {
		// Not forced: a container of the old image (a task an older ecsmini started)
		// keeps it, and the engine refuses; it goes with the last such container's image
		// prune, or the next rebuild.
		_, _ = e.cli.ImageRemove(ctx, stale, image.RemoveOptions{PruneChildren: true})
	}
	return img, true, err
}
