package tui

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/charmbracelet/x/ansi"
)

func itoa(i int) string { return strconv.Itoa(i) }

// costRows: each cluster's running cost, its services' and its standalone tasks'.
func (m Model) costRows() ([]column, []item) {
	cols := []column{{title: "SCOPE", min: 10, max: 36}, {title: "RUNNING", right: true}, {title: "PER HOUR", right: true},
		{title: "SO FAR", right: true, drop: 2}, {title: "SPOT SAVES/H", right: true, drop: 1}, {title: "SPOT SAVED", right: true, drop: 3}}
	line := func(name string, l CostLine) row {
		return row{plain(name), plain(fmt.Sprint(l.Running)), plain(money(l.PerHour)), plain(money(l.SoFar)),
			styled(money(l.SpotSavingsPerHour), m.st.good), plain(money(l.SpotSavings))}
	}
	var items []item
	for _, c := range m.snap.Clusters {
		if c.Cost == nil {
			continue
		}
		name := c.Cluster.ClusterName
		items = append(items, item{key: name, r: line("cluster "+name, c.Cost.Total)})
		names := make([]string, 0, len(c.Cost.Services))
		for s := range c.Cost.Services {
			names = append(names, s)
		}
		sort.Strings(names)
		for _, s := range names {
			items = append(items, item{key: name + "/" + s, r: line("  service "+s, c.Cost.Services[s])})
		}
		if c.Cost.Standalone.Running > 0 || c.Cost.Standalone.SoFar > 0 {
			items = append(items, item{key: name + "/", r: line("  standalone tasks", c.Cost.Standalone)})
		}
	}
	return cols, items
}

// helpView lists the keys.
func (m Model) helpView(w, h int) []string {
	var lines []string
	for _, g := range helpGroups() {
		lines = append(lines, m.st.title.Render(" "+g.title))
		for _, b := range g.bindings {
			lines = append(lines, clip(fmt.Sprintf("  %-13s %s", b.Help().Key, b.Help().Desc), w))
		}
	}
	if len(lines) > h {
		return twoColumns(lines, w, h)
	}
	return lines
}

// twoColumns folds a long list into two columns side by side.
func twoColumns(lines []string, w, h int) []string {
	half := w / 2
	out := make([]string, 0, h)
	for i := 0; i < h && i < len(lines); i++ {
		l := clip(lines[i], half-1)
		if j := i + h; j < len(lines) {
			l += spaces(half-ansi.StringWidth(l)) + clip(lines[j], half-1)
		}
		out = append(out, l)
	}
	return out
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%*s", n, "")
}
