package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// EnsureImage returns the local image ref, pulling it when absent (building it, when
// it is one MakeLocally registered). Offline (normal for
// ecsmini) a pull fails; that is ErrImageNotFound carrying the engine's own message,
// from which the agent writes ECS's CannotPullContainerError reason.
//
// An image a maker registered with MakeLocallyFrom is also built again, on its first
// EnsureImage, when it carries another build than the running ecsmini's.
func (e *Engine) EnsureImage(ctx context.Context, ref string) (containers.Image, error) {
	img, err := e.inspectImage(ctx, ref)
	if err != nil && !errors.Is(err, containers.ErrImageNotFound) {
		return img, err
	}
	if img, ok, err := e.ensureLocal(ctx, ref, err == nil); ok {
		return img, err
	}
	if err == nil {
		return img, nil
	}
	if err := e.pull(ctx, ref); err != nil {
		return containers.Image{}, err
	}
	return e.inspectImage(ctx, ref)
}

func (e *Engine) inspectImage(ctx context.Context, ref string) (containers.Image, error) {
	in, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return containers.Image{}, wrapErr("image "+ref, err, true)
	}
	img := containers.Image{Ref: ref, ID: in.ID}
	if len(in.RepoDigests) > 0 {
		if _, digest, ok := strings.Cut(in.RepoDigests[0], "@"); ok {
			img.Digest = digest
		}
	}
	return img, nil
}

// pull pulls ref. Any failure other than the caller giving up or the engine being
// unreachable means the image cannot be had, so it is ErrImageNotFound.
func (e *Engine) pull(ctx context.Context, ref string) error {
	op := "pull " + ref
	rc, err := e.cli.ImagePull(ctx, ref, image.PullOptions{})
	if err == nil {
		err = readStream(rc, nil)
		rc.Close()
	}
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", op, ctx.Err())
	case client.IsErrConnectionFailed(err):
		return fmt.Errorf("%s: %w", op, err)
	}
	return &engineError{kind: containers.ErrImageNotFound, op: op, err: err}
}

// RemoveImage removes the image ref (untagging it, and deleting its layers when no
// other tag holds them). An absent image is not an error, so cleanups can repeat.
func (e *Engine) RemoveImage(ctx context.Context, ref string) error {
	_, err := e.cli.ImageRemove(ctx, ref, image.RemoveOptions{Force: true, PruneChildren: true})
	err = wrapErr("remove image "+ref, err, true)
	if errors.Is(err, containers.ErrImageNotFound) {
		return nil
	}
	return err
}
