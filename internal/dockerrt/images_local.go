package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// ImageMaker builds the image ref on this engine. It stands in for a pull of an image
// no registry has (ecsmini's own workload and pause image), so tasks that need it find
// it on first need, without a manual build step.
type ImageMaker func(ctx context.Context, e *Engine, ref string) error

// localImages holds the makers of images built on this machine, by ref; mu
// serialises their builds so that two tasks needing the image at once build it once.
type localImages struct {
	mu     sync.Mutex
	makers map[string]ImageMaker
}

// MakeLocally registers maker for refs: EnsureImage of one of them, when the engine
// does not have it, builds it with maker instead of pulling it.
func (e *Engine) MakeLocally(maker ImageMaker, refs ...string) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	if e.local.makers == nil {
		e.local.makers = map[string]ImageMaker{}
	}
	for _, ref := range refs {
		e.local.makers[ref] = maker
	}
}

// makeLocal builds ref with its registered maker; ok is false when it has none. A
// build another caller finished while this one waited is not repeated.
func (e *Engine) makeLocal(ctx context.Context, ref string) (img containers.Image, ok bool, err error) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	maker := e.local.makers[ref]
	if maker == nil {
		return containers.Image{}, false, nil
	}
	img, err = e.inspectImage(ctx, ref)
	if !errors.Is(err, containers.ErrImageNotFound) {
		return img, true, err
	}
	if err := maker(ctx, e, ref); err != nil {
		return containers.Image{}, true, &engineError{kind: containers.ErrImageNotFound, op: "build " + ref, err: fmt.Errorf("building it from ecsmini: %w", err)}
	}
	img, err = e.inspectImage(ctx, ref)
	return img, true, err
}
