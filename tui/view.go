package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// item is a selectable row and the key that names it (an ARN or a name). Long lists
// set mk instead of r, so that only the rows on screen are built.
type item struct {
	key string
	r   row
	mk  func() row
}

func (it item) row() row {
	if it.r == nil && it.mk != nil {
		return it.mk()
	}
	return it.r
}

// View draws the dashboard: header, breadcrumbs, the current screen, status line.
func (m Model) View() string {
	w, h := max(m.width, 20), max(m.height, 5)
	lines := []string{m.header(w), m.crumbs(w)}
	body := m.bodyHeight()
	var content []string
	switch {
	case m.help:
		content = m.helpView(w, body)
	case m.snap == nil && m.snapErr != nil:
		content = []string{m.st.errStatus.Render(clip("cannot read ecsmini: "+m.snapErr.Error(), w))}
	case m.snap == nil:
		content = []string{m.st.dim.Render("waiting for ecsmini…")}
	default:
		content = m.body(w, body)
	}
	if len(content) > body {
		content = content[:body]
	}
	lines = append(lines, content...)
	for len(lines) < h-1-min(len(m.notes), 1) {
		lines = append(lines, "")
	}
	if len(m.notes) > 0 {
		lines = append(lines, m.noteBand(w))
	}
	lines = append(lines, m.footer(w))
	return strings.Join(lines, "\n")
}

func (m Model) header(w int) string {
	left := " ecsmini"
	if m.snap != nil {
		left += "  clock " + m.emuNow().UTC().Format("2006-01-02 15:04:05")
		if m.snap.Scale != 0 && m.snap.Scale != 1 {
			left += fmt.Sprintf(" ×%g", m.snap.Scale)
		}
		left += "  " + m.snap.Endpoint
	}
	right := "? help "
	if m.snapErr != nil && m.snap != nil {
		right = "stale " + age(m.wall.Sub(m.snapWall)) + " "
	}
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return m.st.header.Render(clip(left, w))
	}
	return m.st.header.Render(left + strings.Repeat(" ", gap) + right)
}

func (m Model) crumbs(w int) string {
	v := m.cur
	parts := []string{cmpOr(v.cluster, "-")}
	switch v.screen {
	case scrClusters:
		parts = []string{"clusters"}
	case scrService:
		parts = append(parts, "services", v.service)
	case scrTask, scrLogs:
		if v.service != "" {
			parts = append(parts, "services", v.service)
		} else {
			parts = append(parts, "tasks")
		}
		parts = append(parts, shortID(v.task))
		if v.screen == scrLogs {
			parts = append(parts, "logs")
		}
	default:
		parts = append(parts, screenNames[v.screen])
	}
	if v.screen == scrDescribe {
		parts = append(parts, m.desc.kind+" "+shortName(m.desc))
	}
	s := " " + strings.Join(parts, " › ")
	if o := m.sortName(); o != "" {
		s += "  sorted by " + o
	}
	if m.hideStopped && (v.screen == scrTasks || v.screen == scrService) {
		s += "  (stopped hidden)"
	}
	if f := m.filters[v.screen]; f != "" || m.filtering {
		s += "  /" + f
		if m.filtering {
			s += "▏"
		}
	}
	return m.st.crumbs.Render(clip(s, w))
}

func (m Model) footer(w int) string {
	if m.confirm != nil {
		return m.st.errStatus.Render(clip(" ? "+m.confirm.question+" (y/n)", w))
	}
	if m.filtering {
		if m.cur.screen == scrLogs {
			return m.st.dim.Render(clip(" type to search · enter keep · esc clear · then n/N next/previous", w))
		}
		return m.st.dim.Render(clip(" type to filter · enter keep · esc clear", w))
	}
	if m.status != "" && m.wall.Sub(m.statusAt) < statusTTL {
		if m.statusErr {
			return m.st.errStatus.Render(clip(" ✗ "+m.status, w))
		}
		return m.st.status.Render(clip(" ✓ "+m.status, w))
	}
	return m.st.dim.Render(clip(" 0 clusters 1 services 2 tasks 3 capacity 4 events 5 cost · v describe · ? help · enter open · esc back · / filter · q quit", w))
}

// body draws the current screen in w×h cells.
func (m Model) body(w, h int) []string {
	switch m.cur.screen {
	case scrService:
		return m.serviceView(w, h)
	case scrTask:
		return m.taskView(w, h)
	case scrCapacity:
		return m.capacityView(w, h)
	case scrLogs:
		return m.logsView(w, h)
	case scrDescribe:
		return m.describeView(w, h)
	case scrMessages:
		return m.messagesView(w, h)
	case scrEvents:
		return m.eventsView(w, h)
	}
	cols, items := m.table(m.cur.screen)
	return m.renderItems(cols, items, m.cur.screen, w, h)
}

// renderItems renders a screen's table with its selection scrolled into view,
// building only the rows on screen (so columns are as wide as what is shown).
func (m Model) renderItems(cols []column, items []item, s screen, w, h int) []string {
	if h <= 0 {
		return nil
	}
	sel := m.selected(s, items)
	offset := 0
	if body := h - 1; sel >= body {
		offset = sel - body + 1
	}
	end := min(len(items), offset+max(h-1, 0))
	rows := make([]row, 0, end-offset)
	for _, it := range items[offset:end] {
		rows = append(rows, it.row())
	}
	if sel >= 0 {
		sel -= offset
	}
	return renderTable(m.st, cols, rows, w, h, sel)
}

// table returns a list screen's columns and its rows, filtered.
func (m Model) table(s screen) ([]column, []item) {
	var cols []column
	var items []item
	switch s {
	case scrClusters:
		cols, items = m.clusterRows()
	case scrServices:
		cols, items = m.serviceRows()
	case scrService:
		cols, items = m.taskRows(m.cur.service)
	case scrTasks:
		cols, items = m.taskRows("")
	case scrCapacity:
		cols, items = m.capacityRows()
	case scrEvents:
		cols, items = m.eventRows()
	case scrCost:
		cols, items = m.costRows()
	}
	f := m.filters[s]
	if f == "" {
		return cols, items
	}
	kept := items[:0]
	for _, it := range items {
		if matches(it.row(), f) {
			kept = append(kept, it)
		}
	}
	return cols, kept
}

func (m Model) items(s screen) []item {
	_, items := m.table(s)
	return items
}
