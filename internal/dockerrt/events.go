package dockerrt

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/docker/docker/api/types/events"
	"github.com/docker/docker/api/types/filters"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Events streams container lifecycle events. The client returns only once the engine
// has answered the subscription, so an event caused right after Events returns is in
// the stream; no Since is sent, because a client clock that differs from the engine's
// (Docker Desktop's VM) would replay old events. One goroutine forwards events; it ends
// when ctx ends or the engine stream fails, closing both channels. Cancelling ctx is a
// normal end and sends no error.
func (e *Engine) Events(ctx context.Context) (<-chan containers.Event, <-chan error) {
	out := make(chan containers.Event, 64)
	errc := make(chan error, 1)
	msgs, errs := e.cli.Events(ctx, events.ListOptions{
		Filters: filters.NewArgs(filters.Arg("type", string(events.ContainerEventType))),
	})
	go func() {
		defer close(out)
		defer close(errc)
		for {
			select {
			case <-ctx.Done():
				return
			case err, ok := <-errs:
				if ok && ctx.Err() == nil && err != nil {
					errc <- fmt.Errorf("docker events: %w", err)
				}
				return
			case m := <-msgs:
				ev, ok := toEvent(m)
				if !ok {
					continue
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, errc
}

// eventAttrs are the attributes Docker adds to a container event beside the
// container's labels; everything else in Actor.Attributes is a label.
var eventAttrs = map[string]bool{"image": true, "name": true, "exitCode": true, "signal": true, "execDuration": true}

// toEvent maps an engine event to a port event; ok is false for the actions the port
// does not model (attach, kill, stop, exec_*, …).
func toEvent(m events.Message) (containers.Event, bool) {
	if m.Type != events.ContainerEventType {
		return containers.Event{}, false
	}
	ev := containers.Event{ID: m.Actor.ID, At: eventTime(m)}
	action := string(m.Action)
	switch {
	case action == string(events.ActionCreate):
		ev.Kind = containers.EventCreate
	case action == string(events.ActionStart):
		ev.Kind = containers.EventStart
	case action == string(events.ActionDie):
		ev.Kind = containers.EventDie
		code, err := strconv.Atoi(m.Actor.Attributes["exitCode"])
		if err != nil {
			code = -1 // the engine always sends it; -1 marks the impossible
		}
		ev.ExitCode = code
	case action == string(events.ActionOOM):
		ev.Kind = containers.EventOOM
	case action == string(events.ActionDestroy):
		ev.Kind = containers.EventDestroy
	case strings.HasPrefix(action, string(events.ActionHealthStatus)+":"):
		ev.Kind = containers.EventHealth
		ev.Health = toHealthStatus(strings.TrimSpace(strings.TrimPrefix(action, string(events.ActionHealthStatus)+":")))
	default:
		return containers.Event{}, false
	}
	for k, v := range m.Actor.Attributes {
		if eventAttrs[k] {
			continue
		}
		if ev.Labels == nil {
			ev.Labels = map[string]string{}
		}
		ev.Labels[k] = v
	}
	return ev, true
}

func eventTime(m events.Message) time.Time {
	if m.TimeNano != 0 {
		return time.Unix(0, m.TimeNano).UTC()
	}
	return time.Unix(m.Time, 0).UTC()
}
