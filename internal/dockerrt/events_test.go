package dockerrt

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/events"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func TestToEvent(t *testing.T) {
	at := time.Unix(0, 1778148000123456789).UTC()
	msg := func(action string, attrs map[string]string) events.Message {
		a := map[string]string{"image": "ecsmini:test", "name": "web", "ecsmini.test": "1"}
		for k, v := range attrs {
			a[k] = v
		}
		return events.Message{Type: events.ContainerEventType, Action: events.Action(action),
			Actor: events.Actor{ID: "c0ffee", Attributes: a}, TimeNano: at.UnixNano()}
	}
	tests := []struct {
		name   string
		in     events.Message
		want   containers.Event
		wantOK bool
	}{
		{"create", msg("create", nil), containers.Event{Kind: containers.EventCreate}, true},
		{"start", msg("start", nil), containers.Event{Kind: containers.EventStart}, true},
		{"die with code", msg("die", map[string]string{"exitCode": "137"}), containers.Event{Kind: containers.EventDie, ExitCode: 137}, true},
		{"oom", msg("oom", nil), containers.Event{Kind: containers.EventOOM}, true},
		{"destroy", msg("destroy", nil), containers.Event{Kind: containers.EventDestroy}, true},
		{"healthy", msg("health_status: healthy", nil), containers.Event{Kind: containers.EventHealth, Health: containers.HealthHealthy}, true},
		{"unhealthy", msg("health_status: unhealthy", nil), containers.Event{Kind: containers.EventHealth, Health: containers.HealthUnhealthy}, true},
		{"kill is not modelled", msg("kill", map[string]string{"signal": "15"}), containers.Event{}, false},
		{"exec is not modelled", msg("exec_start: /ecsmini workload probe", nil), containers.Event{}, false},
		{"network events are not container events", events.Message{Type: events.NetworkEventType, Action: "create"}, containers.Event{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := toEvent(tt.in)
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			want := tt.want
			want.ID, want.At, want.Labels = "c0ffee", at, map[string]string{"ecsmini.test": "1"}
			eq(t, "event", got, want)
		})
	}
}

func TestEventTimeFallsBackToSeconds(t *testing.T) {
	eq(t, "at", eventTime(events.Message{Time: 1778148000}), time.Unix(1778148000, 0).UTC())
}

func TestWrapErr(t *testing.T) {
	engine := func(kind error, msg string) error { return fmt.Errorf("Error response from daemon: %s: %w", msg, kind) }
	tests := []struct {
		name    string
		err     error
		imageOp bool
		want    error // nil: unclassified
	}{
		{"no such container", engine(cerrdefs.ErrNotFound, "No such container: x"), false, containers.ErrNotFound},
		{"no such network", engine(cerrdefs.ErrNotFound, "network x not found"), false, containers.ErrNotFound},
		{"not found on create is the image", engine(cerrdefs.ErrNotFound, "No such image: ecsmini-missing/never:latest"), true, containers.ErrImageNotFound},
		{"no such image text anywhere", engine(cerrdefs.ErrUnknown, "No such image: x"), false, containers.ErrImageNotFound},
		{"name in use", engine(cerrdefs.ErrConflict, `Conflict. The container name "/web" is already in use`), true, containers.ErrConflict},
		{"port allocated (a 500)", engine(cerrdefs.ErrUnknown, "driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: port is already allocated"), false, containers.ErrConflict},
		{"address in use", engine(cerrdefs.ErrUnknown, "listen tcp4 127.0.0.1:8080: bind: address already in use"), false, containers.ErrConflict},
		{"network exists", engine(cerrdefs.ErrAlreadyExists, "network with name x already exists"), false, containers.ErrConflict},
		{"other", engine(cerrdefs.ErrInvalidArgument, "invalid mount config"), false, nil},
	}
	sentinels := []error{containers.ErrNotFound, containers.ErrConflict, containers.ErrImageNotFound}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapErr("op x", tt.err, tt.imageOp)
			for _, s := range sentinels {
				if errors.Is(got, s) != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", got, s, !(s == tt.want))
				}
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("the engine's error is not wrapped: %v", got)
			}
			if !strings.HasPrefix(got.Error(), "op x: Error response from daemon: ") {
				t.Errorf("message %q does not keep the engine's text", got)
			}
		})
	}
	if wrapErr("op", nil, false) != nil {
		t.Error("wrapErr(nil) != nil")
	}
}
