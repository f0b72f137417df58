package tui

import (
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// column describes a table column. On a narrow terminal the columns with the highest
// drop rank go first (0: never dropped), then the widest shrink towards min; a line is
// never wider than the terminal, so nothing wraps or garbles.
type column struct {
	title string
	min   int // narrowest it may shrink to
	max   int // widest it grows to (0: as wide as its content)
	drop  int
	right bool
}

// cell is one table cell: plain text, coloured by style when set.
type cell struct {
	text  string
	style *lipgloss.Style
}

func plain(s string) cell                     { return cell{text: s} }
func styled(s string, st lipgloss.Style) cell { return cell{text: s, style: &st} }

type row []cell

// table renders rows under cols into at most height lines of at most width cells,
// the selected row highlighted (-1: none) and scrolled into view.
func renderTable(st styles, cols []column, rows []row, width, height, selected int) []string {
	if height <= 0 || width <= 0 {
		return nil
	}
	// A one-cell gutter marks the selected row, which without colour (NO_COLOR) is
	// the only sign of it.
	width--
	widths := naturalWidths(cols, rows)
	keep := fitColumns(cols, widths, width, emptyColumns(cols, rows))
	var lines []string
	lines = append(lines, st.title.Render(" "+clip(joinCells(cols, keep, widths, headerRow(cols), false), width)))
	body := height - 1
	if len(rows) == 0 {
		if body > 0 {
			lines = append(lines, st.dim.Render("  (none)"))
		}
		return lines
	}
	offset := 0
	if selected >= body {
		offset = selected - body + 1
	}
	for i := offset; i < len(rows) && i < offset+body; i++ {
		if i == selected {
			lines = append(lines, st.selected.Render("›"+padRight(clip(joinCells(cols, keep, widths, rows[i], false), width), width)))
			continue
		}
		lines = append(lines, " "+clipStyled(joinCells(cols, keep, widths, rows[i], st.colour), joinCells(cols, keep, widths, rows[i], false), width))
	}
	return lines
}

func headerRow(cols []column) row {
	r := make(row, len(cols))
	for i, c := range cols {
		r[i] = plain(c.title)
	}
	return r
}

// naturalWidths is each column's width for its widest cell, within its bounds.
func naturalWidths(cols []column, rows []row) []int {
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = ansi.StringWidth(c.title)
	}
	for _, r := range rows {
		for i := range cols {
			if i < len(r) {
				if n := ansi.StringWidth(r[i].text); n > w[i] {
					w[i] = n
				}
			}
		}
	}
	for i, c := range cols {
		if c.max > 0 && w[i] > c.max {
			w[i] = c.max
		}
		if w[i] < c.min {
			w[i] = c.min
		}
	}
	return w
}

// fitColumns drops and shrinks columns until they fit width; it returns which to keep
// and narrows widths in place.
func fitColumns(cols []column, widths []int, width int, empty []bool) []bool {
	keep := make([]bool, len(cols))
	for i := range keep {
		keep[i] = true
	}
	natural := append([]int(nil), widths...)
	total := func() int {
		n, t := 0, 0
		for i, k := range keep {
			if k {
				n++
				t += widths[i]
			}
		}
		return t + 2*max(n-1, 0)
	}
	// First narrow the long text columns to a readable floor, so that a wide screen
	// keeps its columns; then drop columns by rank; then shrink what is left.
	for over := total() - width; over > 0; over = total() - width {
		widest := -1
		for i, k := range keep {
			if k && cols[i].max > 0 && widths[i] > softFloor(cols[i]) && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break
		}
		widths[widest]--
	}
	for i := range cols {
		if empty[i] && cols[i].drop > 0 && total() > width {
			keep[i] = false // nothing to show in it: the first to go
		}
	}
	for total() > width {
		worst := -1
		for i, c := range cols {
			if keep[i] && c.drop > 0 && (worst < 0 || c.drop >= cols[worst].drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		keep[worst] = false
	}
	for over := total() - width; over > 0; over = total() - width {
		widest := -1
		for i, k := range keep {
			if k && widths[i] > cols[i].min && (widest < 0 || widths[i] > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break // clip cuts what still does not fit
		}
		widths[widest] -= min(over, widths[widest]-cols[widest].min)
	}
	// Room left after dropping columns goes back to those narrowed, the last first
	// (where the long text, a note or a reason, usually is).
	for i := len(cols) - 1; i >= 0; i-- {
		if spare := width - total(); spare > 0 && keep[i] && widths[i] < natural[i] {
			widths[i] += min(spare, natural[i]-widths[i])
		}
	}
	return keep
}

// emptyColumns marks the columns where no row has anything ("" or "-").
func emptyColumns(cols []column, rows []row) []bool {
	empty := make([]bool, len(cols))
	for i := range cols {
		empty[i] = len(rows) > 0
		for _, r := range rows {
			if i < len(r) && r[i].text != "" && r[i].text != "-" {
				empty[i] = false
				break
			}
		}
	}
	return empty
}

// softFloor is how narrow a long text column gets before columns are dropped.
func softFloor(c column) int { return max(c.min, 16) }

// joinCells lays out one row; with colour, cells carry their styles.
func joinCells(cols []column, keep []bool, widths []int, r row, colour bool) string {
	var b strings.Builder
	first := true
	for i, c := range cols {
		if !keep[i] {
			continue
		}
		if !first {
			b.WriteString("  ")
		}
		first = false
		var cl cell
		if i < len(r) {
			cl = r[i]
		}
		text := ansi.Truncate(cl.text, widths[i], "…")
		pad := strings.Repeat(" ", max(widths[i]-ansi.StringWidth(text), 0))
		if colour && cl.style != nil {
			text = cl.style.Render(text)
		}
		if c.right {
			b.WriteString(pad + text)
		} else {
			b.WriteString(text + pad)
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// clip cuts a line to width cells.
func clip(s string, width int) string { return ansi.Truncate(s, width, "") }

// clipStyled cuts a coloured line, measuring its plain twin.
func clipStyled(coloured, plainLine string, width int) string {
	if ansi.StringWidth(plainLine) <= width {
		return coloured
	}
	return ansi.Truncate(coloured, width, "")
}

func padRight(s string, width int) string {
	if n := ansi.StringWidth(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
