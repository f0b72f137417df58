package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// paneKey handles the keys of the text panes (describe, messages, logs): scrolling,
// and each pane's own keys. ok is false for keys the pane leaves to the dashboard.
func (m Model) paneKey(msg tea.KeyMsg) (next tea.Model, cmd tea.Cmd, ok bool) {
	switch m.cur.screen {
	case scrDescribe, scrMessages:
		switch {
		case m.cur.screen == scrDescribe && key.Matches(msg, keys.Copy):
			next, cmd = m.copyDescribed()
			return next, cmd, true
		case m.cur.screen == scrDescribe && key.Matches(msg, keys.Save):
			next, cmd = m.saveDescribed()
			return next, cmd, true
		}
		if d, ok := m.scrollDelta(msg); ok {
			lines, h := m.paneLines(), m.paneHeight()
			top := min(max(m.descOff, 0), max(len(lines)-h, 0))
			m.descOff = min(max(top+d, 0), max(len(lines)-h, 0))
			return m, nil, true
		}
	case scrLogs:
		return m.logKey(msg)
	}
	return m, nil, false
}

// scrollDelta is how far a scrolling key moves a pane.
func (m Model) scrollDelta(msg tea.KeyMsg) (int, bool) {
	page := max(m.paneHeight()-1, 1)
	switch {
	case key.Matches(msg, keys.Up):
		return -1, true
	case key.Matches(msg, keys.Down):
		return 1, true
	case key.Matches(msg, keys.PageUp):
		return -page, true
	case key.Matches(msg, keys.PageDown):
		return page, true
	case key.Matches(msg, keys.Top):
		return -1 << 30, true
	case key.Matches(msg, keys.Bottom):
		return 1 << 30, true
	}
	return 0, false
}

// bodyHeight is the lines between the crumbs and the footer (and the notes line).
func (m Model) bodyHeight() int {
	h := max(m.height, 5) - 3
	if len(m.notes) > 0 {
		h--
	}
	return h
}

// paneHeight is the lines a pane shows under its title.
func (m Model) paneHeight() int { return max(m.bodyHeight()-1, 1) }

// paneLines are the describe or messages pane's lines, wrapped to the width.
func (m Model) paneLines() []string {
	w := max(m.width, 20) - 1
	if m.cur.screen == scrMessages {
		return m.noteLines(w)
	}
	text, err := m.describeText()
	if err != nil {
		return nil
	}
	return wrapLines(strings.Split(text, "\n"), w)
}

// logKey: scrolling stops following; G or f follows again; w wraps; n and N move to
// the next and the previous line matching the search (/).
func (m Model) logKey(msg tea.KeyMsg) (tea.Model, tea.Cmd, bool) {
	switch {
	case key.Matches(msg, keys.Follow):
		m.logFollow = !m.logFollow
		if !m.logFollow {
			m.logOff = m.logTop()
		}
		return m, nil, true
	case key.Matches(msg, keys.Wrap):
		m.logWrap = !m.logWrap
		return m, nil, true
	case msg.String() == "n":
		m.findLog(1)
		return m, nil, true
	case msg.String() == "N":
		m.findLog(-1)
		return m, nil, true
	case key.Matches(msg, keys.Bottom):
		m.logFollow = true
		return m, nil, true
	}
	if d, ok := m.scrollDelta(msg); ok {
		top := m.logTop()
		m.logFollow = false
		m.logOff = min(max(top+d, 0), max(len(m.logs)-1, 0))
		return m, nil, true
	}
	return m, nil, false
}

// logTop is the index of the first log line on screen.
func (m Model) logTop() int {
	if m.logFollow {
		return max(len(m.logs)-m.paneHeight(), 0)
	}
	return min(m.logOff, max(len(m.logs)-1, 0))
}

// findLog moves the search match dir lines' way (1: newer, -1: older; 0: the newest
// match), wrapping around, and scrolls it into view; following stops.
func (m *Model) findLog(dir int) {
	f := m.filters[scrLogs]
	if f == "" {
		m.flash("/ to search the log", true)
		return
	}
	n := len(m.logs)
	start := n - 1
	if dir != 0 && m.logMatch >= 0 {
		start = m.logMatch + dir
	}
	step := dir
	if step == 0 {
		step = -1
	}
	for i := 0; i < n; i++ {
		j := ((start+step*i)%n + n) % n
		if matches(row{plain(m.logs[j])}, f) {
			m.logMatch, m.logFollow = j, false
			m.logOff = max(j-m.paneHeight()/2, 0)
			return
		}
	}
	m.logMatch = -1
	m.flash("no line matches "+f, true)
}

// logsView is the followed task's output: the newest lines while following, else from
// where the user scrolled; search matches marked, long lines wrapped or clipped.
func (m Model) logsView(w, h int) []string {
	state := "following"
	switch {
	case m.logsEnded:
		state = "ended"
	case !m.logFollow:
		state = "paused (f or G follows)"
	}
	title := fmt.Sprintf(" output of task %s (%s, %d lines", shortID(m.logTask), state, len(m.logs))
	if m.logWrap {
		title += ", wrapped"
	}
	if f := m.filters[scrLogs]; f != "" {
		title += ", search " + f + ": n/N"
	}
	lines := []string{m.st.title.Render(clip(title+")", w))}
	body := h - 1
	if len(m.logs) == 0 {
		return append(lines, m.st.dim.Render(" (no output yet)"))
	}
	f := m.filters[scrLogs]
	top := m.logTop()
	if m.logFollow && m.logWrap {
		// Follow the end: start as far back as the wrapped newest lines fill the pane.
		used := 0
		for top = len(m.logs); top > 0; top-- {
			used += len(wrapLines([]string{ansi.Strip(m.logs[top-1])}, w-1))
			if used > body {
				break
			}
		}
	}
	for i := top; i < len(m.logs) && len(lines) <= body; i++ {
		l := ansi.Strip(m.logs[i])
		mark, st := " ", m.st.plain
		switch {
		case i == m.logMatch:
			mark, st = "›", m.st.selected
		case f != "" && matches(row{plain(l)}, f):
			mark, st = "•", m.st.warn
		}
		parts := []string{clip(l, w-1)}
		if m.logWrap {
			parts = wrapLines([]string{l}, w-1)
		}
		for k, p := range parts {
			if len(lines) > body {
				break
			}
			if k > 0 {
				mark = " "
			}
			lines = append(lines, st.Render(mark+p))
		}
	}
	return lines
}
