package tui

import (
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// bigSnapshot is the fake cluster with n more service tasks, half of them on Spot.
func bigSnapshot(n int) *Snapshot {
	s := fakeSnapshot()
	c := &s.Clusters[0]
	for i := range n {
		cp := "FARGATE"
		if i%2 == 1 {
			cp = "FARGATE_SPOT"
		}
		t := fakeTask(fmt.Sprintf("%032x", i+1000), fmt.Sprintf("service:svc%02d", i%40), cp, ecs.StatusRunning, ecs.StatusRunning, time.Duration(i)*time.Second)
		c.Tasks = append(c.Tasks, t)
	}
	return s
}

// burst is n task state changes.
func burst(n int) eventsMsg {
	msg := eventsMsg{}
	for i := range n {
		msg.events = append(msg.events, Event{Time: t0.Add(time.Duration(i) * time.Millisecond), DetailType: taskStateChange,
			Resource: fmt.Sprintf("task/default/%032x", i), Summary: "RUNNING service:svc01 on FARGATE_SPOT", Cluster: "default"})
	}
	return msg
}

// loaded is a model showing the tasks screen of a cluster with 1,000 tasks and a full
// event history.
func loaded(tb testing.TB, s screen) Model {
	src, act := newFake()
	src.snap = bigSnapshot(1000)
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(tb, m, tea.WindowSizeMsg{Width: 160, Height: 48}, snapshotMsg{snap: src.snap, wall: t0})
	for range maxEvents / eventBurst {
		m = drive(tb, m, burst(eventBurst))
	}
	m.jump(s)
	return m
}

// BenchmarkUpdateRender is one frame's work with 1,000 tasks: a burst of 512 events
// (update) and a redraw of the task list (view), and a key press with its redraw.
func BenchmarkUpdateRender(b *testing.B) {
	for _, s := range []screen{scrTasks, scrEvents, scrServices, scrCapacity} {
		b.Run(screenNames[s], func(b *testing.B) {
			m := loaded(b, s)
			ev := burst(eventBurst)
			down := tea.KeyMsg{Type: tea.KeyDown}
			b.ResetTimer()
			for range b.N {
				next, _ := m.Update(ev)
				m = next.(Model)
				_ = m.View()
				next, _ = m.Update(down)
				m = next.(Model)
				_ = m.View()
			}
		})
	}
}

// TestThousandTasksStayResponsive guards against a quadratic slip: an update and a
// render with 1,000 tasks and 2,000 events take far less than a 60 Hz frame (the
// benchmark measures them; this bound is loose for a loaded CI machine).
func TestThousandTasksStayResponsive(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	for _, s := range []screen{scrTasks, scrEvents} {
		m := loaded(t, s)
		best := time.Hour
		for range 5 {
			start := time.Now()
			next, _ := m.Update(tea.KeyMsg{Type: tea.KeyDown})
			m = next.(Model)
			_ = m.View()
			best = min(best, time.Since(start))
		}
		if best > 50*time.Millisecond {
			t.Errorf("%s: key press and render took %v with 1,000 tasks", screenNames[s], best)
		}
		t.Logf("%s: key press and render %v", screenNames[s], best)
	}
}
