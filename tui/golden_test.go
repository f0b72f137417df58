package tui

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
)

// keyMsgs turns a key script into messages: "enter", "esc" and "/" words are special,
// anything else is typed rune by rune.
func keyMsgs(script ...string) []tea.Msg {
	var out []tea.Msg
	for _, s := range script {
		switch s {
		case "enter":
			out = append(out, tea.KeyMsg{Type: tea.KeyEnter})
		case "esc":
			out = append(out, tea.KeyMsg{Type: tea.KeyEsc})
		default:
			for _, r := range s {
				out = append(out, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		}
	}
	return out
}

func newFake() (*fakeSource, *fakeActions) {
	src := &fakeSource{snap: fakeSnapshot(), events: make(chan Event, 16),
		logs: []string{"listening on :8080", "GET / 200 1.2ms", "GET /health 200 0.3ms"}}
	for _, e := range fakeEvents() {
		src.events <- e
	}
	return src, &fakeActions{}
}

// TestGoldenViews renders each screen at 80×24 and 160×48 through a real bubbletea
// program (teatest) with a fake source and a fixed clock, and compares the final view
// with testdata/TestGoldenViews/*.golden (go test ./tui -update rewrites them).
func TestGoldenViews(t *testing.T) {
	screens := []struct {
		name   string
		keys   []string
		waitOn string // output that shows what arrives asynchronously (events, logs, results)
		notes  []Note // sent on Options.Notes
		quit   string // Options.ConfirmQuit
	}{
		{"clusters", []string{"0"}, "", nil, ""},
		{"services", nil, "", nil, ""},
		{"service", []string{"j", "enter"}, "", nil, ""},
		{"tasks", []string{"2"}, "", nil, ""},
		{"task", []string{"2", "enter"}, "", nil, ""},
		{"capacity", []string{"3"}, "", nil, ""},
		{"events", []string{"4"}, "DEPLOYMENT_IN", nil, ""},
		{"events-filtered", []string{"4", "/spot", "enter"}, "task 1b2c3d4e", nil, ""},
		{"cost", []string{"5"}, "", nil, ""},
		{"logs", []string{"2", "enter", "l"}, "/health", nil, ""},
		{"help", []string{"?"}, "", nil, ""},
		{"scaled", []string{"j", "+"}, "desired count 4", nil, ""},
		{"describe-task", []string{"2", "v"}, "", nil, ""},
		{"describe-service", []string{"j", "v", "jjjj"}, "", nil, ""},
		{"stopped-task", []string{"2", "G", "enter"}, "", nil, ""},
		{"tasks-sorted", []string{"2", "ss", "o"}, "", nil, ""},
		{"confirm-stop", []string{"2", "x"}, "", nil, ""},
		{"confirm-quit", []string{"q"}, "", nil, "quit: stop ecsmini and every task?"},
		{"compose-error", nil, "compose", composeNotes, ""},
		{"messages", []string{"m"}, "Traceback", composeNotes, ""},
	}
	sizes := []struct{ w, h int }{{80, 24}, {160, 48}}
	for _, sc := range screens {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, sz.w, sz.h), func(t *testing.T) {
				src, act := newFake()
				notes := make(chan Note, len(sc.notes))
				for _, n := range sc.notes {
					notes <- n
				}
				m := New(src, act, Options{Now: fixedNow, Tick: -1, Notes: notes, ConfirmQuit: sc.quit})
				tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(sz.w, sz.h))
				var seen bytes.Buffer // WaitFor consumes the output: keep all of it
				// teatest can only poll the program's output: every millisecond, not its
				// default 50 ms, which cost this test 1.7 s of waiting.
				waitFor := func(s string) {
					teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
						seen.Write(b)
						return bytes.Contains(seen.Bytes(), []byte(s))
					}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(time.Millisecond))
				}
				waitFor("default") // the first snapshot
				for _, k := range keyMsgs(sc.keys...) {
					tm.Send(k)
				}
				if sc.waitOn != "" {
					waitFor(sc.waitOn)
				}
				if err := tm.Quit(); err != nil {
					t.Fatal(err)
				}
				final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(Model)
				golden.RequireEqual(t, []byte(final.View()))
			})
		}
	}
}

// composeNotes are a watcher's: a good import, then an edit that does not load.
var composeNotes = []Note{
	{Time: t0.Add(-time.Minute), Source: "compose", Level: NoteOK, Text: "project demo applied in cluster demo (2 services)"},
	{Time: t0.Add(-30 * time.Second), Source: "compose", Text: "files changed, re-importing"},
	{Time: t0.Add(-29 * time.Second), Source: "compose", Level: NoteError,
		Text: "compose.yaml: services.web.ports must be a list; the running stack is unchanged\nTraceback-like detail: line 7"},
}

// TestGoldenColour keeps one coloured view, so a change of palette shows in review.
func TestGoldenColour(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1, Colour: true})
	m = drive(t, m, tea.WindowSizeMsg{Width: 160, Height: 48})
	m = drive(t, m, snapshotMsg{snap: src.snap, wall: t0})
	m = drive(t, m, keyMsgs("2")...)
	golden.RequireEqual(t, []byte(m.View()))
}

// drive feeds messages to the model directly, without running commands.
func drive(t testing.TB, m Model, msgs ...tea.Msg) Model {
	t.Helper()
	for _, msg := range msgs {
		next, _ := m.Update(msg)
		m = next.(Model)
	}
	return m
}
