package tui

import (
	"context"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// Messages the model's commands send back.
type (
	tickMsg     time.Time
	snapshotMsg struct {
		snap *Snapshot
		wall time.Time
		err  error
	}
	eventsMsg struct {
		ch     <-chan Event // set on the first message of a subscription
		events []Event
		closed bool
		err    error
	}
	logsMsg struct {
		task   string
		ch     <-chan string
		cancel context.CancelFunc
		lines  []string
		closed bool
		err    error
	}
	actionMsg struct {
		text string
		err  error
	}
)

// snapshotTimeout bounds one snapshot, so a hung ecsmini shows as an error.
const snapshotTimeout = 15 * time.Second

func fetchSnapshot(ctx context.Context, src Source, now func() time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, snapshotTimeout)
		defer cancel()
		s, err := src.Snapshot(ctx)
		return snapshotMsg{snap: s, wall: now(), err: err}
	}
}

func subscribeEvents(ctx context.Context, src Source) tea.Cmd {
	return func() tea.Msg {
		ch, err := src.Events(ctx)
		if err != nil {
			return eventsMsg{err: err}
		}
		msg := readEvents(ch)
		msg.ch = ch
		return msg
	}
}

// waitEvents reads the next burst of events from ch.
func waitEvents(ch <-chan Event) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg { return readEvents(ch) }
}

// readEvents waits for one event, then takes those already waiting (up to
// eventBurst), so a burst costs one update and one render.
func readEvents(ch <-chan Event) eventsMsg {
	evs, closed := readBurst(ch)
	return eventsMsg{events: evs, closed: closed}
}

// readBurst waits for one item, then takes those already waiting (up to eventBurst).
// closed says the channel ended.
func readBurst[T any](ch <-chan T) (items []T, closed bool) {
	v, ok := <-ch
	if !ok {
		return nil, true
	}
	items = []T{v}
	for len(items) < eventBurst {
		select {
		case v, ok := <-ch:
			if !ok {
				return items, true
			}
			items = append(items, v)
		default:
			return items, false
		}
	}
	return items, false
}

func followLogs(ctx context.Context, src Source, task string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithCancel(ctx)
		ch, err := src.Logs(ctx, task)
		if err != nil {
			cancel()
			return logsMsg{task: task, err: err}
		}
		return logsMsg{task: task, ch: ch, cancel: cancel}
	}
}

func waitLogs(task string, ch <-chan string) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg { return readLogs(task, ch) }
}

func readLogs(task string, ch <-chan string) logsMsg {
	lines, closed := readBurst(ch)
	return logsMsg{task: task, lines: lines, closed: closed}
}
