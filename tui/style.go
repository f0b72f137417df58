package tui

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// styles are the dashboard's colours. With colour off (NO_COLOR, or a terminal without
// colour) every style renders text unchanged, and the views stay readable because no
// state is shown by colour alone.
type styles struct {
	header, crumbs, title, selected, dim, status, errStatus lipgloss.Style
	good, warn, bad, info, plain                            lipgloss.Style
	colour                                                  bool
}

func newStyles(colour bool) styles {
	r := lipgloss.NewRenderer(io.Discard)
	if colour {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	s := func() lipgloss.Style { return r.NewStyle() }
	return styles{
		colour:    colour,
		header:    s().Bold(true).Foreground(lipgloss.Color("45")),
		crumbs:    s().Foreground(lipgloss.Color("214")),
		title:     s().Bold(true),
		selected:  s().Reverse(true),
		dim:       s().Foreground(lipgloss.Color("244")),
		status:    s().Foreground(lipgloss.Color("252")),
		errStatus: s().Foreground(lipgloss.Color("196")).Bold(true),
		good:      s().Foreground(lipgloss.Color("42")),
		warn:      s().Foreground(lipgloss.Color("220")),
		bad:       s().Foreground(lipgloss.Color("196")),
		info:      s().Foreground(lipgloss.Color("39")),
		plain:     s(),
	}
}

// statusStyle colours a task or container status: green running, yellow on its way,
// red stopped, plain otherwise.
func (st styles) statusStyle(last, desired string) lipgloss.Style {
	switch {
	case last == "RUNNING" && (desired == "" || desired == "RUNNING"):
		return st.good
	case last == "STOPPED" || last == "DELETED":
		return st.bad
	case desired == "STOPPED":
		return st.warn
	default:
		return st.info
	}
}

// rolloutStyle colours a deployment's rolloutState.
func (st styles) rolloutStyle(state string) lipgloss.Style {
	switch state {
	case "COMPLETED":
		return st.good
	case "FAILED":
		return st.bad
	case "IN_PROGRESS":
		return st.warn
	}
	return st.dim
}

// healthStyle colours a health status.
func (st styles) healthStyle(h string) lipgloss.Style {
	switch h {
	case "HEALTHY":
		return st.good
	case "UNHEALTHY":
		return st.bad
	}
	return st.dim
}
