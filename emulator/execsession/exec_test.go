package execsession

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/eventemit"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// A session's end is an event of its task with the exit code; a failed one says why;
// the token is single use and expires.
func TestExecSessionLifecycle(t *testing.T) {
	fake := clock.NewFake(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	st := state.New("us-east-1", "000000000000", fake, slog.New(slog.DiscardHandler))
	ev := eventemit.New(st, nil, fake.Now())
	e := New(st, ev)
	target := ecs.ExecTarget{TaskARN: "arn:aws:ecs:us-east-1:000000000000:task/c/t1", ContainerName: "app", CommandText: "sh"}

	ended := e.open(target, fake.Now())
	if _, err := e.OpenExecSession(ended.id, "wrong", func() {}); err == nil {
		t.Fatal("a wrong token opened the session")
	}
	if _, err := e.OpenExecSession(ended.id, ended.token, func() {}); err != nil {
		t.Fatal(err)
	}
	e.CloseExecSession(ended.id, 42, nil)

	failed := e.open(target, fake.Now())
	e.CloseExecSession(failed.id, 0, errors.New("no such container"))

	expired := e.open(target, fake.Now())
	fake.Advance(ExecSessionTTL + time.Second)
	if _, err := e.OpenExecSession(expired.id, expired.token, func() {}); err == nil {
		t.Error("an expired token opened the session")
	}

	var got []string
	for _, ev := range ev.Bus().History(events.Filter{}, 0) {
		var d struct {
			SessionID string `json:"sessionId"`
			Step      string `json:"step"`
			ExitCode  *int   `json:"exitCode"`
			Message   string `json:"message"`
		}
		if err := json.Unmarshal(ev.Detail, &d); err != nil {
			t.Fatal(err)
		}
		if ev.DetailType != events.ExecSession || len(ev.Resources) != 1 || ev.Resources[0] != target.TaskARN {
			t.Errorf("event %+v", ev)
		}
		code := "-"
		if d.ExitCode != nil {
			code = strconv.Itoa(*d.ExitCode)
		}
		got = append(got, d.SessionID[:len("ecs-execute-command-")]+d.Step+" "+code)
	}
	want := []string{"ecs-execute-command-ended 42", "ecs-execute-command-failed -"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("events %q, want %q", got, want)
	}
}
