package tui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// runCmd runs a command and the commands it batches, feeding each message back to the
// model, as bubbletea would (one level deep: enough for an action and its result).
func runCmd(t *testing.T, m Model, cmd tea.Cmd) Model {
	t.Helper()
	if cmd == nil {
		return m
	}
	msg := cmd()
	if batch, ok := msg.(tea.BatchMsg); ok {
		for _, c := range batch {
			m = runCmd(t, m, c)
		}
		return m
	}
	switch msg.(type) {
	case actionMsg:
		next, _ := m.Update(msg) // its refresh is not followed
		return next.(Model)
	}
	return m
}

// press sends keys and runs the commands they return.
func press(t *testing.T, m Model, script ...string) Model {
	t.Helper()
	for _, k := range keyMsgs(script...) {
		next, cmd := m.Update(k)
		m = runCmd(t, next.(Model), cmd)
	}
	return m
}

func TestKeysCallTheAPI(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		calls  []string
		status string
	}{
		{"scale up", []string{"j", "+"}, []string{"ScaleService default web 4"}, "service web: desired count 4"},
		{"scale down twice", []string{"j", "-", "-"}, []string{"ScaleService default web 2", "ScaleService default web 1"}, "desired count 1"},
		{"scale from the service view", []string{"j", "enter", "+"}, []string{"ScaleService default web 4"}, ""},
		{"force deployment", []string{"j", "D", "y"}, []string{"ForceNewDeployment default web"}, "new deployment"},
		{"stop task", []string{"2", "x", "y"}, []string{"StopTask default 2c3d4e5f60718293a4b5c6d7e8f90a1b"}, "stopping"},
		{"interrupt selected Spot task", []string{"2", "jjj", "i"}, []string{"InterruptSpot default 1b2c3d4e5f60718293a4b5c6d7e8f90a"}, "two-minute warning"},
		{"interrupt from the task view", []string{"2", "jjj", "enter", "i"}, []string{"InterruptSpot default 1b2c3d4e5f60718293a4b5c6d7e8f90a"}, ""},
		{"retire task", []string{"2", "jjjj", "R"}, []string{"Retire default service= task=0a1b2c3d4e5f60718293a4b5c6d7e8f9"}, "retires at 2026-11-29 10:00"},
		{"retire service", []string{"j", "R"}, []string{"Retire default service=web task="}, "service web's tasks retire"},
		{"drain instance", []string{"3", "d"}, []string{"SetInstanceState default i1 DRAINING"}, "i-0123456789abcdef0: DRAINING"},
		{"undrain instance", []string{"3", "j", "d"}, []string{"SetInstanceState default i2 ACTIVE"}, ""},
		{"drain outside capacity", []string{"d"}, nil, "capacity view"},
		{"add an instance like the selected one", []string{"3", "n"}, []string{"AddInstance default t3.medium us-east-1a"}, "added t3.medium"},
		{"terminate instance", []string{"3", "x", "y"}, []string{"TerminateInstance default i1"}, "i-0123456789abcdef0: terminated"},
		{"Spot-interrupt instance", []string{"3", "i"}, []string{"InterruptSpotInstance default i1"}, "Spot notice"},
		{"add instance outside capacity", []string{"n"}, nil, "capacity view"},
		{"spot capacity off", []string{"S", "y"}, []string{"SetSpotCapacity default false"}, "unavailable"},
		{"clock", []string{">]}"}, []string{"AdvanceClock 1m", "AdvanceClock 1h", "AdvanceClock 1d"}, "clock advanced 1d"},
		{"stop needs a task", []string{"x"}, nil, "select a task"},
		{"shell in the selected task", []string{"2", "e"}, []string{"Shell default 2c3d4e5f60718293a4b5c6d7e8f90a1b"}, ""},
		{"shell needs a task", []string{"e"}, nil, "select a running task"},
		{"filter then act on the match", []string{"2", "/hello", "enter", "x", "y"}, []string{"StopTask default 4e5f60718293a4b5c6d7e8f90a1b2c3d"}, ""},
		{"keys typed into the filter do not act", []string{"2", "/xD+"}, nil, ""},
		{"stopped tasks hidden", []string{"2", "a", "G", "x", "y"}, []string{"StopTask default 6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, act := newFake()
			m := New(src, act, Options{Now: fixedNow, Tick: -1})
			m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}, snapshotMsg{snap: src.snap, wall: t0})
			m = press(t, m, tt.keys...)
			if got := act.Calls(); !slices.Equal(got, tt.calls) {
				t.Errorf("calls = %q, want %q", got, tt.calls)
			}
			if !strings.Contains(m.status, tt.status) {
				t.Errorf("status = %q, want it to contain %q", m.status, tt.status)
			}
		})
	}
}

func TestActionErrorInStatusLine(t *testing.T) {
	src, act := newFake()
	act.err = errors.New("InvalidParameterException: Task 1b2c is not a running Fargate Spot task")
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}, snapshotMsg{snap: src.snap, wall: t0})
	m = press(t, m, "2", "i")
	if !m.statusErr || !strings.Contains(m.View(), "✗ InvalidParameterException") {
		t.Errorf("the error is not in the status line:\n%s", m.View())
	}
}

func TestNavigation(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}, snapshotMsg{snap: src.snap, wall: t0})
	steps := []struct {
		keys   []string
		crumbs string
	}{
		{nil, "default › services"},
		{[]string{"j", "enter"}, "default › services › web"},
		{[]string{"enter"}, "default › services › web › 2c3d4e5f"},
		{[]string{"esc"}, "default › services › web"},
		{[]string{"esc"}, "default › services"},
		{[]string{"esc"}, "clusters"},
		{[]string{"j", "enter"}, "batch › services"},
		{[]string{"2"}, "batch › tasks"},
		{[]string{"esc"}, "batch › services"},
	}
	for _, s := range steps {
		m = press(t, m, s.keys...)
		if got := strings.TrimSpace(m.crumbs(120)); got != s.crumbs {
			t.Fatalf("after %q: crumbs %q, want %q", s.keys, got, s.crumbs)
		}
	}
}

// TestRunesInOneMessage: keys typed faster than the terminal is read ("ji") act one
// by one, but typed into the filter they stay text.
func TestRunesInOneMessage(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}, snapshotMsg{snap: src.snap, wall: t0})
	next, cmd := m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("2jjji")})
	m = runCmd(t, next.(Model), cmd)
	if got := act.Calls(); !slices.Equal(got, []string{"InterruptSpot default 1b2c3d4e5f60718293a4b5c6d7e8f90a"}) {
		t.Errorf("calls = %q", got)
	}
	m = drive(t, m, keyMsgs("/")...)
	m = drive(t, m, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("job")})
	if m.filters[scrTasks] != "job" {
		t.Errorf("filter = %q, want job", m.filters[scrTasks])
	}
}

// TestStatusFades: a status message leaves the status line after statusTTL.
func TestStatusFades(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(t, m, tea.WindowSizeMsg{Width: 120, Height: 40}, snapshotMsg{snap: src.snap, wall: t0})
	m = press(t, m, "j", "+")
	if !strings.Contains(m.footer(120), "desired count 4") {
		t.Fatalf("footer %q", m.footer(120))
	}
	m = drive(t, m, tickMsg(t0.Add(statusTTL)))
	if strings.Contains(m.footer(120), "desired count") {
		t.Errorf("status still shown after %v: %q", statusTTL, m.footer(120))
	}
}

// TestRefreshPacing: events ask for a snapshot soon, but not sooner than twice the
// time the last one took (counted from when it was asked for).
func TestRefreshPacing(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, tickMsg(at(0)))
	if !m.fetching {
		t.Fatal("no first snapshot asked for")
	}
	m = drive(t, m, snapshotMsg{snap: src.snap, wall: at(time.Second)}) // took 1 s
	m = drive(t, m, eventsMsg{events: fakeEvents()[:1]}, tickMsg(at(1500*time.Millisecond)))
	if m.fetching {
		t.Error("asked again 1.5 s after asking for a snapshot that took 1 s")
	}
	m = drive(t, m, tickMsg(at(2*time.Second)))
	if !m.fetching {
		t.Error("not asked 2 s after asking for a snapshot that took 1 s, with an event waiting")
	}
}

// TestStreamBreaks: when ecsmini goes away the header says how stale the view is, and
// a new subscription's replayed history replaces the events kept.
func TestStreamBreaks(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	ch1, ch2 := make(chan Event), make(chan Event)
	m = drive(t, m, tea.WindowSizeMsg{Width: 100, Height: 30}, snapshotMsg{snap: src.snap, wall: t0},
		eventsMsg{ch: ch1, events: fakeEvents()}, eventsMsg{closed: true})
	if !strings.Contains(m.footer(100), "event stream ended") {
		t.Errorf("footer %q", m.footer(100))
	}
	m = drive(t, m, eventsMsg{ch: ch2, events: fakeEvents()[:1]})
	if len(m.events) != 1 {
		t.Errorf("%d events after resubscribing, want the 1 replayed", len(m.events))
	}
	m = drive(t, m, tickMsg(t0.Add(90*time.Second)), snapshotMsg{err: errors.New("connection refused"), wall: t0.Add(90 * time.Second)})
	if h := m.header(100); !strings.Contains(h, "stale 1m30s") {
		t.Errorf("header %q", h)
	}
	if !strings.Contains(m.footer(100), "cannot read ecsmini: connection refused") {
		t.Errorf("footer %q", m.footer(100))
	}
}

// TestShellDone: the status line once the dashboard has the terminal back.
func TestShellDone(t *testing.T) {
	task := "arn:aws:ecs:us-east-1:000000000000:task/default/2c3d4e5f60718293a4b5c6d7e8f90a1b"
	if got := shellDone(task)(nil).(actionMsg); got.err != nil || !strings.Contains(got.text, "ended") {
		t.Errorf("clean exit: %+v", got)
	}
	if got := shellDone(task)(errors.New("boom")).(actionMsg); got.err == nil || !strings.Contains(got.err.Error(), "boom") {
		t.Errorf("failed shell: %+v", got)
	}
}
