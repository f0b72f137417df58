package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// merge rebuilds the event list, newest first: the stream's events (which arrive in
// order) merged with the services' own events (sorted once per snapshot).
func (m *Model) merge() {
	out := make([]Event, 0, len(m.events)+len(m.svcEvents))
	i, j := len(m.events)-1, 0
	for i >= 0 || j < len(m.svcEvents) {
		if j >= len(m.svcEvents) || (i >= 0 && !m.svcEvents[j].Time.After(m.events[i].Time)) {
			out = append(out, m.events[i])
			i--
		} else {
			out = append(out, m.svcEvents[j])
			j++
		}
	}
	m.merged = out
}

// serviceEvents collects the snapshot's service events, newest first.
func (m *Model) serviceEvents() {
	var out []Event
	if m.snap != nil {
		for _, c := range m.snap.Clusters {
			for _, s := range c.Services {
				for _, e := range s.Events {
					ev := Event{DetailType: serviceEvent, Resource: "service/" + c.Cluster.ClusterName + "/" + s.ServiceName,
						Summary: e.Message, Cluster: c.Cluster.ClusterName}
					if e.CreatedAt != nil {
						ev.Time = e.CreatedAt.Time
					}
					out = append(out, ev)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Time.After(out[j].Time) })
	m.svcEvents = out
}

// eventKinds are short names for the detail types.
var eventKinds = map[string]string{
	taskStateChange: "task", serviceAction: "service", deploymentStateChange: "deployment",
	instanceStateChange: "instance", healthEvent: "health", eventsDropped: "dropped", serviceEvent: "svc-event",
}

func (m Model) eventRows() ([]column, []item) {
	cols := []column{{title: "TIME", drop: 3}, {title: "KIND", drop: 2}, {title: "RESOURCE", min: 12, max: 28, drop: 1},
		{title: "WHAT", min: 30, max: 300}}
	items := make([]item, 0, len(m.merged))
	for i := range m.merged {
		items = append(items, item{key: itoa(i), mk: func() row { return m.eventRow(&m.merged[i]) }})
	}
	return cols, items
}

func (m Model) eventRow(e *Event) row {
	{
		kind := eventKinds[e.DetailType]
		if kind == "" {
			kind = e.DetailType
		}
		st := m.st.dim
		switch {
		case strings.Contains(e.Summary, "STOPPED") || strings.Contains(e.Summary, "FAILED") || strings.Contains(e.Summary, "unable"):
			st = m.st.bad
		case strings.Contains(e.Summary, "RUNNING") || strings.Contains(e.Summary, "COMPLETED") || strings.Contains(e.Summary, "steady state"):
			st = m.st.good
		case e.DetailType == healthEvent || strings.Contains(e.Summary, "SpotInterruption"):
			st = m.st.warn
		}
		return row{plain(e.Time.UTC().Format("01-02 15:04:05")), styled(kind, st),
			plain(briefResource(e.Resource)), plain(ansi.Strip(e.Summary))}
	}
}

// briefResource shortens task/CLUSTER/ID to "task ID8" and service/CLUSTER/NAME to
// "service NAME"; other resources stay as they are.
func briefResource(r string) string {
	parts := strings.Split(r, "/")
	if len(parts) != 3 {
		return r
	}
	switch parts[0] {
	case "task":
		return "task " + shortID(parts[2])
	case "service", "container-instance":
		return parts[0] + " " + parts[2]
	}
	return r
}

// eventsView is the events table and, under it, the selected event's text in full
// (the table clips it to the width).
func (m Model) eventsView(w, h int) []string {
	cols, items := m.table(scrEvents)
	var detail []string
	if i := m.selected(scrEvents, items); i >= 0 {
		var n int
		if _, err := fmt.Sscan(items[i].key, &n); err == nil && n < len(m.merged) {
			e := m.merged[n]
			text := e.Time.UTC().Format("2006-01-02 15:04:05") + "  " + e.Resource + "\n" + ansi.Strip(e.Summary)
			detail = wrapLines(strings.Split(text, "\n"), w-2)
			if len(detail) > h/2 {
				detail = detail[:max(h/2, 1)]
			}
		}
	}
	if len(detail) == 0 || h < 8 {
		return m.renderItems(cols, items, scrEvents, w, h)
	}
	lines := m.renderItems(cols, items, scrEvents, w, h-len(detail)-1)
	lines = append(lines, m.st.dim.Render(clip(" ─ selected event "+strings.Repeat("─", max(w-19, 0)), w)))
	for _, l := range detail {
		lines = append(lines, " "+l)
	}
	return lines
}
