package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
)

// describeTarget names the object the describe screen shows: its kind and key (a
// cluster or service name, a task or instance ARN, an event's index).
type describeTarget struct {
	kind, key string
	event     *Event // events are not looked up again: the list moves under them
}

// describe opens the describe screen on the object the current screen is about or has
// selected, as the API returns it (JSON), so that nothing is cut to fit a column.
func (m Model) describe() (tea.Model, tea.Cmd) {
	var d describeTarget
	k := m.selectedKey()
	switch m.cur.screen {
	case scrClusters:
		d = describeTarget{kind: "cluster", key: k}
	case scrServices:
		d = describeTarget{kind: "service", key: k}
	case scrService:
		d = describeTarget{kind: "service", key: m.cur.service}
		if m.task(k) != nil {
			d = describeTarget{kind: "task", key: k}
		}
	case scrTasks:
		d = describeTarget{kind: "task", key: k}
	case scrTask, scrLogs:
		d = describeTarget{kind: "task", key: m.cur.task}
	case scrCapacity:
		d = describeTarget{kind: "instance", key: k}
		if m.task(k) != nil {
			d = describeTarget{kind: "task", key: k}
		}
	case scrEvents:
		items := m.items(scrEvents)
		if i := m.selected(scrEvents, items); i >= 0 {
			var n int
			if _, err := fmt.Sscan(items[i].key, &n); err == nil && n < len(m.merged) {
				e := m.merged[n]
				d = describeTarget{kind: "event", key: items[i].key, event: &e}
			}
		}
	}
	if d.kind == "" || (d.key == "" && d.event == nil) {
		m.flash("select something to describe", true)
		return m, nil
	}
	m.desc, m.descOff = d, 0
	m.push(view{screen: scrDescribe, cluster: m.cur.cluster, service: m.cur.service, task: m.cur.task})
	return m, nil
}

// described is the described object, nil when it is gone.
func (m Model) described() any {
	d := m.desc
	switch d.kind {
	case "cluster":
		if m.snap != nil {
			for _, c := range m.snap.Clusters {
				if c.Cluster.ClusterName == d.key {
					return c.Cluster
				}
			}
		}
	case "service":
		if s := m.service(d.key); s != nil {
			return s
		}
	case "task":
		if t := m.task(d.key); t != nil {
			return t
		}
	case "instance":
		if i := m.instance(d.key); i != nil {
			return i
		}
	case "event":
		return d.event
	}
	return nil
}

// describeText is the described object as indented JSON.
func (m Model) describeText() (string, error) {
	obj := m.described()
	if obj == nil {
		return "", fmt.Errorf("%s %s is gone", m.desc.kind, Name(m.desc.key))
	}
	b, err := json.MarshalIndent(obj, "", "  ")
	if err != nil {
		return "", fmt.Errorf("describe %s: %w", m.desc.kind, err)
	}
	return string(b), nil
}

// describeView shows the object's JSON, long lines wrapped, from descOff.
func (m Model) describeView(w, h int) []string {
	text, err := m.describeText()
	title := fmt.Sprintf(" %s %s  (c copy · w write to a file · esc back)", m.desc.kind, shortName(m.desc))
	if err != nil {
		return []string{m.st.title.Render(clip(title, w)), m.st.dim.Render(" " + err.Error())}
	}
	lines := wrapLines(strings.Split(text, "\n"), w-1)
	return append([]string{m.st.title.Render(clip(title, w))}, window(lines, m.descOff, h-1, " ")...)
}

// window is the slice of lines from off (clamped so that the last page is full) that
// fits h, each prefixed.
func window(lines []string, off, h int, prefix string) []string {
	if h <= 0 {
		return nil
	}
	off = min(max(off, 0), max(len(lines)-h, 0))
	end := min(off+h, len(lines))
	out := make([]string, 0, end-off)
	for _, l := range lines[off:end] {
		out = append(out, prefix+l)
	}
	return out
}

// wrapLines breaks lines longer than w cells into several (an indentation is kept
// for the continuation lines' reading, not repeated).
func wrapLines(lines []string, w int) []string {
	w = max(w, 8)
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		r := []rune(l)
		for len(r) > w {
			out = append(out, string(r[:w]))
			r = r[w:]
		}
		out = append(out, string(r))
	}
	return out
}

// copyDescribed puts the described JSON on the terminal's clipboard.
func (m Model) copyDescribed() (tea.Model, tea.Cmd) {
	text, err := m.describeText()
	if err == nil && m.opts.Clipboard == nil {
		err = fmt.Errorf("copying is not available here; w writes the JSON to a file")
	}
	if err != nil {
		m.flash(err.Error(), true)
		return m, nil
	}
	clip := m.opts.Clipboard
	return m, m.run(func(context.Context) (string, error) {
		return fmt.Sprintf("copied %s %s (%d bytes) to the clipboard", m.desc.kind, Name(m.desc.key), len(text)), clip(text)
	})
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveDescribed writes the described JSON to a file in SaveDir and says where.
func (m Model) saveDescribed() (tea.Model, tea.Cmd) {
	text, err := m.describeText()
	if err != nil {
		m.flash(err.Error(), true)
		return m, nil
	}
	dir := cmpOr(m.opts.SaveDir, os.TempDir())
	name := "ecsmini-" + m.desc.kind + "-" + unsafeName.ReplaceAllString(Name(m.desc.key), "_") + ".json"
	path := filepath.Join(dir, name)
	return m, m.run(func(context.Context) (string, error) {
		if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
			return "", fmt.Errorf("writing %s: %w", path, err)
		}
		return "wrote " + path, nil
	})
}

// shortName is how the crumbs name the described object.
func shortName(d describeTarget) string {
	switch d.kind {
	case "task":
		return shortID(d.key)
	case "event":
		if d.event != nil {
			return briefResource(d.event.Resource)
		}
	}
	return Name(d.key)
}
