package tui

import (
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Note is a line from whoever runs beside the dashboard: the compose watcher saying
// what it re-imported or why an edit did not load, the demo narrating its steps.
type Note struct {
	Time time.Time
	// Source says who speaks ("compose", "demo").
	Source string
	// Text may span several lines (a compose file's load error does).
	Text string
	// Level is NoteInfo, NoteOK (an apply that worked) or NoteError.
	Level NoteLevel
}

// NoteLevel grades a note.
type NoteLevel int

// The note levels.
const (
	NoteInfo NoteLevel = iota
	NoteOK
	NoteError
)

// maxNotes is how many notes the messages screen keeps.
const maxNotes = 1000

type notesMsg struct {
	notes  []Note
	closed bool
}

// waitNotes reads the next burst of notes (nil without a channel).
func waitNotes(ch <-chan Note) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		notes, closed := readBurst(ch)
		return notesMsg{notes: notes, closed: closed}
	}
}

func (m Model) onNotes(msg notesMsg) (tea.Model, tea.Cmd) {
	for _, n := range msg.notes {
		if n.Time.IsZero() {
			n.Time = m.wall
		}
		m.notes = append(m.notes, n)
	}
	if n := len(m.notes) - maxNotes; n > 0 {
		m.notes = append(m.notes[:0:0], m.notes[n:]...)
	}
	if msg.closed {
		return m, nil
	}
	return m, waitNotes(m.opts.Notes)
}

// noteBand is the line above the footer: the latest note, an error in red, and where
// the rest is. The last error of a source stays until that source says it is fixed
// (a later OK note), so a broken compose edit is not scrolled away by chatter.
func (m Model) noteBand(w int) string {
	n := m.bandNote()
	text := strings.TrimSpace(n.Text)
	first, _, more := strings.Cut(text, "\n")
	line := " " + n.Source + " › " + n.Time.UTC().Format("15:04:05") + " " + noteMark(n.Level) + first
	if more {
		line += " …"
	}
	hint := "  (m: messages)"
	if w-len([]rune(line)) > len(hint) {
		line += hint
	}
	switch n.Level {
	case NoteError:
		return m.st.errStatus.Render(clip(line, w))
	case NoteOK:
		return m.st.good.Render(clip(line, w))
	}
	return m.st.info.Render(clip(line, w))
}

// bandNote is the note the band shows: a source's unresolved error, else the latest.
func (m Model) bandNote() Note {
	latest := m.notes[len(m.notes)-1]
	resolved := map[string]bool{}
	for i := len(m.notes) - 1; i >= 0; i-- {
		n := m.notes[i]
		switch {
		case n.Level == NoteOK:
			resolved[n.Source] = true
		case n.Level == NoteError && !resolved[n.Source]:
			return n
		}
	}
	return latest
}

func noteMark(l NoteLevel) string {
	switch l {
	case NoteOK:
		return "✓ "
	case NoteError:
		return "✗ "
	}
	return ""
}

// noteLines are every note, oldest first, wrapped to w.
func (m Model) noteLines(w int) []string {
	var out []string
	for _, n := range m.notes {
		head := n.Time.UTC().Format("15:04:05") + " " + n.Source + " " + noteMark(n.Level)
		for i, l := range strings.Split(strings.TrimRight(n.Text, "\n"), "\n") {
			if i > 0 {
				head = strings.Repeat(" ", len([]rune(head)))
			}
			out = append(out, wrapLines([]string{head + l}, w)...)
		}
	}
	return out
}

// messagesView lists the notes, scrolled to descOff.
func (m Model) messagesView(w, h int) []string {
	title := m.st.title.Render(clip(" messages from the compose watcher and the demo (esc back)", w))
	if len(m.notes) == 0 {
		return []string{title, m.st.dim.Render(" (none yet)")}
	}
	lines := m.noteLines(w - 1)
	return append([]string{title}, window(lines, m.descOff, h-1, " ")...)
}
