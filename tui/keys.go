package tui

import (
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// keyMap is every key the dashboard answers, in the order the help view lists them.
type keyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Enter, Back                  key.Binding
	Clusters, Services, Tasks, Capacity, Events, Cost, Logs, Filter, Help key.Binding
	ScaleUp, ScaleDown, Deploy, Stop, Interrupt, Retire, Drain, Spot      key.Binding
	AddInstance, Shell                                                    key.Binding
	Minute, Hour, Day, Refresh, Quit, Stopped                             key.Binding
	Describe, Sort, Reverse, Messages, Copy, Save, Follow, Wrap           key.Binding
	NextMatch, PrevMatch                                                  key.Binding
}

func bind(help string, keys ...string) key.Binding {
	desc := strings.Join(keys, " ")
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(desc, help))
}

var keys = keyMap{
	Up:          bind("move up", "up", "k"),
	Down:        bind("move down", "down", "j"),
	PageUp:      bind("page up", "pgup", "ctrl+u"),
	PageDown:    bind("page down", "pgdown", "ctrl+d"),
	Top:         bind("first row", "home", "g"),
	Bottom:      bind("last row", "end", "G"),
	Enter:       bind("open the selected row", "enter"),
	Back:        bind("back / clear filter", "esc", "backspace"),
	Clusters:    bind("clusters", "0"),
	Services:    bind("services", "1"),
	Tasks:       bind("tasks (standalone too)", "2"),
	Capacity:    bind("capacity, instances", "3"),
	Events:      bind("events", "4"),
	Cost:        bind("cost, Spot savings", "5"),
	Logs:        bind("follow task logs", "l"),
	Filter:      bind("filter", "/"),
	Stopped:     bind("hide/show stopped tasks", "a"),
	Help:        bind("this help", "?"),
	ScaleUp:     bind("scale service up", "+", "="),
	ScaleDown:   bind("scale service down", "-"),
	Deploy:      bind("force new deployment", "D"),
	Stop:        bind("stop task/instance", "x", "ctrl+k"),
	Interrupt:   bind("Spot-interrupt", "i"),
	Retire:      bind("retire task/service", "R"),
	Drain:       bind("drain/undrain instance", "d"),
	AddInstance: bind("add instance", "n"),
	Shell:       bind("shell (ECS Exec)", "e"),
	Spot:        bind("toggle Spot capacity", "S"),
	Minute:      bind("clock +1 minute", ">"),
	Hour:        bind("clock +1 hour", "]"),
	Day:         bind("clock +1 day", "}"),
	Refresh:     bind("refresh now", "r"),
	Quit:        bind("quit", "q", "ctrl+c"),
	Describe:    bind("describe: the object as the API returns it", "v"),
	Sort:        bind("sort by the next column", "s"),
	Reverse:     bind("reverse the sort order", "o"),
	Messages:    bind("messages (compose watch, demo)", "m"),
	Copy:        bind("describe: copy (OSC 52)", "c"),
	Save:        bind("describe: write to a file", "w"),
	Follow:      bind("logs: follow on/off", "f"),
	Wrap:        bind("logs: wrap long lines", "w"),
	NextMatch:   bind("logs: next/previous match", "n", "N"),
	PrevMatch:   bind("logs: previous match", "N"),
}

// helpGroups are the help view's sections.
func helpGroups() []struct {
	title    string
	bindings []key.Binding
} {
	k := keys
	return []struct {
		title    string
		bindings []key.Binding
	}{
		{"Navigate", []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Enter, k.Back, k.Filter, k.Stopped, k.Sort, k.Reverse}},
		{"Views", []key.Binding{k.Clusters, k.Services, k.Tasks, k.Capacity, k.Events, k.Cost, k.Logs, k.Describe, k.Messages, k.Help}},
		{"Describe and logs", []key.Binding{k.Copy, k.Save, k.Follow, k.Wrap, k.NextMatch}},
		{"Act (through the ECS API)", []key.Binding{k.ScaleUp, k.ScaleDown, k.Deploy, k.Stop, k.Interrupt, k.Retire, k.Drain, k.AddInstance, k.Spot, k.Shell}},
		{"Clock and app", []key.Binding{k.Minute, k.Hour, k.Day, k.Refresh, k.Quit}},
	}
}

// keys handles a key message. Keys typed faster than they are read arrive as one
// message of several runes ("ji"): outside the filter each is its own key.
func (m Model) keys(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if msg.Type != tea.KeyRunes || len(msg.Runes) < 2 || m.filtering || msg.Paste {
		return m.key(msg)
	}
	var cmds []tea.Cmd
	var next tea.Model = m
	for _, r := range msg.Runes {
		var cmd tea.Cmd
		next, cmd = next.(Model).keys(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt})
		cmds = append(cmds, cmd)
	}
	return next, tea.Batch(cmds...)
}

// key handles a key press.
func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if msg.Type == tea.KeyCtrlC {
		return m.quit()
	}
	if m.confirm != nil {
		return m.answer(msg)
	}
	if m.filtering {
		return m.filterKey(msg), nil
	}
	if m.help {
		switch {
		case key.Matches(msg, keys.Quit):
			return m.askQuit()
		case key.Matches(msg, keys.Help, keys.Back):
			m.help = false
		}
		return m, nil
	}
	if next, cmd, ok := m.paneKey(msg); ok {
		return next, cmd
	}
	page := max(m.height-6, 1)
	switch {
	case key.Matches(msg, keys.Quit):
		return m.askQuit()
	case key.Matches(msg, keys.Help):
		m.help = true
	case key.Matches(msg, keys.Up):
		m.move(-1)
	case key.Matches(msg, keys.Down):
		m.move(1)
	case key.Matches(msg, keys.PageUp):
		m.move(-page)
	case key.Matches(msg, keys.PageDown):
		m.move(page)
	case key.Matches(msg, keys.Top):
		m.move(-1 << 30)
	case key.Matches(msg, keys.Bottom):
		m.move(1 << 30)
	case key.Matches(msg, keys.Filter):
		m.filtering = true
	case key.Matches(msg, keys.Back):
		if m.filters[m.cur.screen] != "" {
			delete(m.filters, m.cur.screen)
			return m, nil
		}
		return m.leave()
	case key.Matches(msg, keys.Enter):
		return m.enter()
	case key.Matches(msg, keys.Clusters):
		m.jump(scrClusters)
	case key.Matches(msg, keys.Services):
		m.jump(scrServices)
	case key.Matches(msg, keys.Tasks):
		m.jump(scrTasks)
	case key.Matches(msg, keys.Capacity):
		m.jump(scrCapacity)
	case key.Matches(msg, keys.Events):
		m.jump(scrEvents)
	case key.Matches(msg, keys.Cost):
		m.jump(scrCost)
	case key.Matches(msg, keys.Logs):
		if t := m.selectedTask(); t != "" {
			return m.openLogs(t)
		}
		m.flash("select a task to see its logs", true)
	case key.Matches(msg, keys.Stopped):
		m.hideStopped = !m.hideStopped
	case key.Matches(msg, keys.Describe):
		return m.describe()
	case key.Matches(msg, keys.Messages):
		m.descOff = 1 << 30 // the newest at the bottom
		m.push(view{screen: scrMessages, cluster: m.cur.cluster})
	case key.Matches(msg, keys.Sort):
		m.cycleSort()
	case key.Matches(msg, keys.Reverse):
		m.reverseSort()
	case key.Matches(msg, keys.Refresh):
		m.asked = time.Time{}
		return m, m.maybeFetch()
	default:
		return m.action(msg)
	}
	return m, nil
}

// filterKey edits the current screen's filter: typing narrows the list, enter keeps
// the filter, esc drops it.
func (m Model) filterKey(msg tea.KeyMsg) Model {
	s := m.cur.screen
	switch msg.Type {
	case tea.KeyEnter:
		m.filtering = false
	case tea.KeyEsc:
		m.filtering = false
		delete(m.filters, s)
	case tea.KeyBackspace:
		if f := []rune(m.filters[s]); len(f) > 0 {
			m.filters[s] = string(f[:len(f)-1])
		}
	case tea.KeyRunes, tea.KeySpace:
		m.filters[s] += string(msg.Runes)
	}
	if s == scrLogs { // the log is searched, not filtered: jump to the newest match
		m.logMatch = -1
		if m.filters[s] != "" {
			m.findLog(0)
		}
	}
	return m
}

// askQuit quits, first asking when quitting also stops ecsmini (Options.ConfirmQuit).
func (m Model) askQuit() (tea.Model, tea.Cmd) {
	if m.opts.ConfirmQuit == "" {
		return m.quit()
	}
	return m.ask(m.opts.ConfirmQuit, Model.quit)
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	if m.logCancel != nil {
		m.logCancel()
	}
	return m, tea.Quit
}
