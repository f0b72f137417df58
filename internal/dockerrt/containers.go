package dockerrt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// The Engine is ecsmini's Docker runtime.
var _ containers.Runtime = (*Engine)(nil)

// Runtime returns the engine as a containers.Runtime, for callers that hold an *Engine
// but should see only the port.
func (e *Engine) Runtime() containers.Runtime { return e }

// Name is "docker".
func (e *Engine) Name() string { return "docker" }

// Create creates a container from spec. It never pulls: the agent pulls with
// EnsureImage first, so pull time is measured (pullStartedAt/pullStoppedAt) where ECS
// measures it.
func (e *Engine) Create(ctx context.Context, spec containers.Spec) (string, error) {
	cc, err := toCreateConfig(spec)
	if err != nil {
		return "", fmt.Errorf("create %q: %w", spec.Name, err)
	}
	resp, err := e.cli.ContainerCreate(ctx, cc.config, cc.host, cc.networking, nil, spec.Name)
	if err != nil {
		return "", wrapErr(fmt.Sprintf("create %q", spec.Name), err, true)
	}
	return resp.ID, nil
}

// Start starts a created container; the engine treats starting a running one as a
// no-op. A taken host port fails here, as ErrConflict.
func (e *Engine) Start(ctx context.Context, id string) error {
	return wrapErr("start "+id, e.cli.ContainerStart(ctx, id, container.StartOptions{}), false)
}

// Rename gives the container another name.
func (e *Engine) Rename(ctx context.Context, id, name string) error {
	return wrapErr("rename "+id, e.cli.ContainerRename(ctx, id, name), false)
}

// Stop asks the engine to stop the container: the spec's stop signal, then SIGKILL
// after timeout. The engine counts the timeout in whole seconds, so it is rounded up:
// a container is never killed before its stop timeout, as ECS promises. Stop returns
// once the container is no longer running.
func (e *Engine) Stop(ctx context.Context, id string, timeout time.Duration) error {
	secs := int(math.Ceil(timeout.Seconds()))
	if secs < 0 {
		secs = 0
	}
	if err := e.cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &secs}); err != nil {
		return wrapErr("stop "+id, err, false)
	}
	// The engine's stop already waits for the exit; the wait makes "exited" a promise
	// of this method rather than of one engine version.
	waitc, errc := e.cli.ContainerWait(ctx, id, container.WaitConditionNotRunning)
	select {
	case <-waitc:
		return nil
	case err := <-errc:
		return wrapErr("stop "+id+": wait", err, false)
	case <-ctx.Done():
		return fmt.Errorf("stop %s: %w", id, ctx.Err())
	}
}

// Remove kills and removes the container with its anonymous volumes. Named volumes
// (task volumes with labels) outlive it; callers remove them by label.
func (e *Engine) Remove(ctx context.Context, id string) error {
	err := e.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
	switch {
	case err == nil:
		return nil
	case strings.Contains(err.Error(), "is already in progress"):
		return nil // a concurrent Remove (or the engine's auto-remove) does the work
	}
	err = wrapErr("remove "+id, err, false)
	if errors.Is(err, containers.ErrNotFound) {
		return nil
	}
	return err
}

// Inspect reports a container's state.
func (e *Engine) Inspect(ctx context.Context, id string) (containers.State, error) {
	in, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		return containers.State{}, wrapErr("inspect "+id, err, false)
	}
	return toState(in), nil
}

// List reports the containers carrying all the labels. The engine's list summary lacks
// exit codes, OOM and health detail, so each container is inspected; one removed in
// between is simply left out.
func (e *Engine) List(ctx context.Context, labels map[string]string) ([]containers.State, error) {
	args := filters.NewArgs()
	for k, v := range labels {
		args.Add("label", k+"="+v)
	}
	summaries, err := e.cli.ContainerList(ctx, container.ListOptions{All: true, Filters: args})
	if err != nil {
		return nil, wrapErr("list containers", err, false)
	}
	out := make([]containers.State, 0, len(summaries))
	for _, s := range summaries {
		st, err := e.Inspect(ctx, s.ID)
		if errors.Is(err, containers.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}
