package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// ready is a model at 80×24 with the fake snapshot and its events.
func ready(t *testing.T, opts Options) (Model, *fakeActions) {
	t.Helper()
	src, act := newFake()
	opts.Now, opts.Tick = fixedNow, -1
	m := New(src, act, opts)
	m = drive(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, snapshotMsg{snap: src.snap, wall: t0},
		eventsMsg{events: fakeEvents()})
	return m, act
}

func TestConfirmations(t *testing.T) {
	tests := []struct {
		name   string
		keys   []string
		calls  int
		status string
		quits  bool
	}{
		{"stop task, no", []string{"2", "x", "n"}, 0, "cancelled", false},
		{"stop task, any other key", []string{"2", "x", "j"}, 0, "cancelled", false},
		{"stop task, yes", []string{"2", "x", "y"}, 1, "stopping", false},
		{"deploy, no", []string{"j", "D", "n"}, 0, "cancelled", false},
		{"terminate instance, no", []string{"3", "x", "n"}, 0, "cancelled", false},
		{"spot, no", []string{"S", "n"}, 0, "cancelled", false},
		{"quit, no", []string{"q", "n"}, 0, "cancelled", false},
		{"quit, yes", []string{"q", "y"}, 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, act := ready(t, Options{ConfirmQuit: "quit: stop ecsmini?"})
			quit := false
			for _, k := range keyMsgs(tt.keys...) {
				next, cmd := m.Update(k)
				m = next.(Model)
				if cmd == nil {
					continue
				}
				switch msg := cmd().(type) {
				case tea.QuitMsg:
					quit = true
				case actionMsg:
					next, _ := m.Update(msg)
					m = next.(Model)
				}
			}
			if got := len(act.Calls()); got != tt.calls {
				t.Errorf("calls %v, want %d", act.Calls(), tt.calls)
			}
			if quit != tt.quits {
				t.Errorf("quit %v, want %v", quit, tt.quits)
			}
			if !strings.Contains(m.status, tt.status) {
				t.Errorf("status %q, want %q", m.status, tt.status)
			}
		})
	}
}

func TestQuitWithoutConfirmQuitsAtOnce(t *testing.T) {
	m, _ := ready(t, Options{})
	_, cmd := m.Update(keyMsgs("q")[0])
	if cmd == nil {
		t.Fatal("q did nothing")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Fatal("q did not quit")
	}
}

// logged is a model on the logs screen of a task with n numbered lines.
func logged(t *testing.T, n int) Model {
	t.Helper()
	m, _ := ready(t, Options{})
	m = press(t, m, "2", "enter")
	next, _ := m.openLogs(m.cur.task)
	m = next.(Model)
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %03d", i)
	}
	return drive(t, m, logsMsg{task: m.logTask, lines: lines})
}

func TestLogPaneFollowScrollSearchWrap(t *testing.T) {
	m := logged(t, 100)
	view := func() string { return m.View() }
	if !strings.Contains(view(), "line 099") || strings.Contains(view(), "line 070") {
		t.Fatalf("following should show the newest lines:\n%s", view())
	}
	m = press(t, m, "kkkkkkkkkk") // scrolling up pauses
	if m.logFollow || !strings.Contains(view(), "paused") || strings.Contains(view(), "line 099") {
		t.Fatalf("scrolled up 10 should pause and hide the newest line:\n%s", view())
	}
	m = drive(t, m, logsMsg{task: m.logTask, lines: []string{"line 100"}})
	if strings.Contains(view(), "line 100") {
		t.Fatal("a paused pane moved to a new line")
	}
	m = press(t, m, "G")
	if !m.logFollow || !strings.Contains(view(), "line 100") {
		t.Fatalf("G should follow again:\n%s", view())
	}
	m = press(t, m, "/", "line 04", "enter")
	if m.logMatch != 49 || !strings.Contains(view(), "›line 049") || !strings.Contains(view(), "•line 048") {
		t.Fatalf("search should jump to the newest match (49), got %d:\n%s", m.logMatch, view())
	}
	m = press(t, m, "N")
	if m.logMatch != 48 {
		t.Fatalf("N: match %d, want 48", m.logMatch)
	}
	m = press(t, m, "n", "n")
	if m.logMatch != 40 {
		t.Fatalf("n twice from 48 wraps to 40, got %d", m.logMatch)
	}
	if strings.Contains(m.logs[0], "…") {
		t.Fatal("search filtered the log")
	}
	long := strings.Repeat("abcdefghij", 20)
	m = press(t, m, "G")
	m = drive(t, m, logsMsg{task: m.logTask, lines: []string{long}})
	if strings.Count(view(), "abcdefghij") > 8 {
		t.Fatalf("unwrapped, a long line is clipped:\n%s", view())
	}
	m = press(t, m, "w")
	if got := strings.Count(view(), "abcdefghij"); got < 16 {
		t.Fatalf("wrapped, the whole line shows (%d pieces):\n%s", got, view())
	}
	m = press(t, m, "f")
	if m.logFollow {
		t.Fatal("f should stop following")
	}
}

func TestDescribeCopyAndSave(t *testing.T) {
	var copied string
	dir := t.TempDir()
	m, _ := ready(t, Options{SaveDir: dir, Clipboard: func(s string) error { copied = s; return nil }})
	m = press(t, m, "2", "v")
	if m.cur.screen != scrDescribe || !strings.Contains(m.View(), `"taskArn"`) {
		t.Fatalf("v on tasks should describe the task:\n%s", m.View())
	}
	m = press(t, m, "c")
	if !strings.Contains(copied, `"taskArn": "arn:aws:ecs:us-east-1:000000000000:task/default/2c3d4e5f60718293a4b5c6d7e8f90a1b"`) {
		t.Fatalf("copied %q", copied)
	}
	if !strings.Contains(m.status, "copied task 2c3d4e5f") {
		t.Errorf("status %q", m.status)
	}
	m = press(t, m, "w")
	b, err := os.ReadFile(filepath.Join(dir, "ecsmini-task-2c3d4e5f60718293a4b5c6d7e8f90a1b.json"))
	if err != nil || string(b) != copied+"\n" {
		t.Fatalf("saved %q, %v; status %q", b, err, m.status)
	}
	m = press(t, m, "G")
	if !strings.Contains(m.View(), "}") {
		t.Fatalf("G should scroll to the end:\n%s", m.View())
	}
	m = press(t, m, "esc", "4", "v")
	if m.desc.kind != "event" || !strings.Contains(m.View(), `"detailType"`) {
		t.Fatalf("v on events should describe the event:\n%s", m.View())
	}
}

func TestCopyWithoutClipboardSaysSo(t *testing.T) {
	m, _ := ready(t, Options{})
	m = press(t, m, "j", "v", "c")
	if !m.statusErr || !strings.Contains(m.status, "w writes") {
		t.Fatalf("status %q", m.status)
	}
}

func TestSortTasks(t *testing.T) {
	m, _ := ready(t, Options{})
	m = press(t, m, "2")
	first := func() string { return shortID(m.items(scrTasks)[0].key) }
	if first() != "2c3d4e5f" {
		t.Fatalf("default order starts with the newest running task, got %s", first())
	}
	m = press(t, m, "s") // by task ID
	if first() != "0a1b2c3d" {
		t.Fatalf("by task: %s", first())
	}
	m = press(t, m, "o")
	if first() != "6a7b8c9d" || !strings.Contains(m.View(), "sorted by task ↓") {
		t.Fatalf("reversed: %s\n%s", first(), m.View())
	}
	m = press(t, m, "1", "s", "o")
	if got := m.items(scrServices)[0].key; got != "web" {
		t.Fatalf("services by name, reversed: %s", got)
	}
}

func TestNoteBandKeepsAnErrorUntilFixed(t *testing.T) {
	m, _ := ready(t, Options{})
	note := func(level NoteLevel, text string) {
		m = drive(t, m, notesMsg{notes: []Note{{Time: t0, Source: "compose", Level: level, Text: text}}})
	}
	note(NoteError, "compose.yaml: yaml: line 3: did not find expected key")
	note(NoteInfo, "building web")
	if band := m.noteBand(80); !strings.Contains(band, "✗ compose.yaml") {
		t.Fatalf("the error should stay on the band: %q", band)
	}
	note(NoteOK, "project demo applied")
	if band := m.noteBand(80); !strings.Contains(band, "✓ project demo applied") {
		t.Fatalf("a good apply replaces the error: %q", band)
	}
	m = drive(t, m, notesMsg{notes: []Note{{Source: "demo", Text: "== 2. A rolling deployment"}}})
	if band := m.noteBand(80); !strings.Contains(band, "demo › ") || !strings.Contains(band, "rolling deployment") {
		t.Fatalf("the latest narration shows: %q", band)
	}
	if lines := m.View(); !strings.Contains(lines, "rolling deployment") {
		t.Fatalf("the band is on screen:\n%s", lines)
	}
	_ = time.Second
}
