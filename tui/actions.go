package tui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// actionTimeout bounds one action's API call.
const actionTimeout = 15 * time.Second

// enter opens the selected row.
func (m Model) enter() (tea.Model, tea.Cmd) {
	k := m.selectedKey()
	if k == "" {
		return m, nil
	}
	v := m.cur
	switch v.screen {
	case scrClusters:
		m.push(view{screen: scrServices, cluster: k})
	case scrServices:
		m.push(view{screen: scrService, cluster: v.cluster, service: k})
	case scrService, scrTasks, scrCapacity:
		if v.screen == scrCapacity && m.task(k) == nil {
			return m, nil // an instance, not a pending task
		}
		m.push(view{screen: scrTask, cluster: v.cluster, service: v.service, task: k})
	case scrTask:
		return m.openLogs(v.task)
	}
	return m, nil
}

// leave goes back (ending a logs subscription).
func (m Model) leave() (tea.Model, tea.Cmd) {
	m.back()
	return m, nil
}

// openLogs shows the task's logs, following them.
func (m Model) openLogs(taskARN string) (tea.Model, tea.Cmd) {
	if m.logCancel != nil {
		m.logCancel()
	}
	m.logTask, m.logs, m.logsCh, m.logCancel, m.logsEnded = taskARN, nil, nil, nil, false
	m.push(view{screen: scrLogs, cluster: m.cur.cluster, service: m.cur.service, task: taskARN})
	return m, followLogs(m.ctx, m.src, taskARN)
}

func (m Model) onLogs(msg logsMsg) (tea.Model, tea.Cmd) {
	if msg.task != m.logTask {
		if msg.cancel != nil {
			msg.cancel() // a subscription the user already left
		}
		return m, nil
	}
	if msg.err != nil {
		m.flash("logs: "+msg.err.Error(), true)
		m.logsEnded = true
		return m, nil
	}
	if msg.ch != nil {
		m.logsCh, m.logCancel = msg.ch, msg.cancel
	}
	m.logs = append(m.logs, msg.lines...)
	if n := len(m.logs) - maxLogLines; n > 0 {
		m.logs = append(m.logs[:0:0], m.logs[n:]...)
	}
	if msg.closed {
		m.logsEnded, m.logsCh = true, nil
		return m, nil
	}
	return m, waitLogs(m.logTask, m.logsCh)
}

// selectedTask is the task ARN the current screen is about or has selected.
func (m Model) selectedTask() string {
	switch m.cur.screen {
	case scrTask, scrLogs:
		return m.cur.task
	case scrService, scrTasks, scrCapacity:
		if k := m.selectedKey(); m.task(k) != nil {
			return k
		}
	}
	return ""
}

// selectedService is the service the current screen is about or has selected.
func (m Model) selectedService() *ecs.Service {
	name := m.cur.service
	if m.cur.screen == scrServices {
		name = m.selectedKey()
	}
	return m.service(name)
}

// run makes do an action command whose result goes to the status line.
func (m Model) run(do func(ctx context.Context) (string, error)) tea.Cmd {
	ctx := m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, actionTimeout)
		defer cancel()
		text, err := do(ctx)
		return actionMsg{text: text, err: err}
	}
}

// action handles the keys that act through the API.
func (m Model) action(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.act == nil {
		return m, nil
	}
	a, cluster := m.act, m.cur.cluster
	fail := func(text string) (tea.Model, tea.Cmd) {
		m.flash(text, true)
		return m, nil
	}
	switch {
	case key.Matches(msg, keys.ScaleUp, keys.ScaleDown):
		s := m.selectedService()
		if s == nil {
			return fail("select a service to scale")
		}
		n := s.DesiredCount + 1
		if key.Matches(msg, keys.ScaleDown) {
			n = max(s.DesiredCount-1, 0)
		}
		s.DesiredCount = n // shown at once; the next snapshot confirms it
		name := s.ServiceName
		return m, m.run(func(ctx context.Context) (string, error) {
			return fmt.Sprintf("service %s: desired count %d", name, n), a.ScaleService(ctx, cluster, name, n)
		})
	case key.Matches(msg, keys.Deploy):
		s := m.selectedService()
		if s == nil {
			return fail("select a service to deploy")
		}
		name := s.ServiceName
		return m.ask("force a new deployment of service "+name+" (replaces every task)?", func(m Model) (tea.Model, tea.Cmd) {
			return m, m.run(func(ctx context.Context) (string, error) {
				return "service " + name + ": new deployment started", a.ForceNewDeployment(ctx, cluster, name)
			})
		})
	case key.Matches(msg, keys.Stop, keys.Interrupt, keys.AddInstance) && m.cur.screen == scrCapacity && m.task(m.selectedKey()) == nil:
		return m.instanceAction(msg, cluster)
	case key.Matches(msg, keys.AddInstance):
		return fail("add instances on the capacity view (3)")
	case key.Matches(msg, keys.Stop):
		t := m.selectedTask()
		if t == "" {
			return fail("select a task to stop")
		}
		return m.ask("stop task "+shortID(t)+"?", func(m Model) (tea.Model, tea.Cmd) {
			return m, m.run(func(ctx context.Context) (string, error) {
				return "task " + shortID(t) + ": stopping", a.StopTask(ctx, cluster, t, "Stopped from the ecsmini dashboard")
			})
		})
	case key.Matches(msg, keys.Interrupt):
		t := m.selectedTask()
		if t == "" {
			return fail("select a Fargate Spot task to interrupt")
		}
		return m, m.run(func(ctx context.Context) (string, error) {
			return "task " + shortID(t) + ": Spot interruption, two-minute warning", a.InterruptSpot(ctx, cluster, t)
		})
	case key.Matches(msg, keys.Shell):
		t := m.selectedTask()
		if t == "" {
			return fail("select a running task to open a shell in")
		}
		sh, err := a.Shell(cluster, t)
		if err != nil {
			return fail("shell: " + err.Error())
		}
		return m, tea.Exec(sh, shellDone(t))
	case key.Matches(msg, keys.Retire):
		return m.retire(cluster)
	case key.Matches(msg, keys.Drain):
		return m.drain(cluster)
	case key.Matches(msg, keys.Spot):
		c := m.cluster()
		if c == nil {
			return fail("no cluster yet")
		}
		on := c.SpotAvailable == nil || !*c.SpotAvailable
		word := map[bool]string{true: "available", false: "unavailable (new FARGATE_SPOT tasks wait)"}[on]
		return m.ask("make Fargate Spot capacity of cluster "+cluster+" "+strings.Fields(word)[0]+"?", func(m Model) (tea.Model, tea.Cmd) {
			return m, m.run(func(ctx context.Context) (string, error) {
				return "cluster " + cluster + ": Fargate Spot capacity " + word, a.SetSpotCapacity(ctx, cluster, on)
			})
		})
	case key.Matches(msg, keys.Minute, keys.Hour, keys.Day):
		span := map[string]string{">": "1m", "]": "1h", "}": "1d"}[msg.String()]
		return m, m.run(func(ctx context.Context) (string, error) {
			return "clock advanced " + span, a.AdvanceClock(ctx, span)
		})
	}
	return m, nil
}

func (m Model) retire(cluster string) (tea.Model, tea.Cmd) {
	a := m.act
	if t := m.selectedTask(); t != "" {
		return m, m.run(func(ctx context.Context) (string, error) {
			at, err := a.Retire(ctx, cluster, "", t)
			return "task " + shortID(t) + " retires at " + at.UTC().Format("2006-01-02 15:04"), err
		})
	}
	if s := m.selectedService(); s != nil {
		name := s.ServiceName
		return m, m.run(func(ctx context.Context) (string, error) {
			at, err := a.Retire(ctx, cluster, name, "")
			return "service " + name + "'s tasks retire at " + at.UTC().Format("2006-01-02 15:04"), err
		})
	}
	m.flash("select a task or service to retire", true)
	return m, nil
}

// instanceAction adds an instance like the selected one (n), terminates the selected
// instance (x) or gives it a Spot notice (i), on the capacity view.
func (m Model) instanceAction(msg tea.KeyMsg, cluster string) (tea.Model, tea.Cmd) {
	a := m.act
	inst := m.instance(m.selectedKey())
	if key.Matches(msg, keys.AddInstance) {
		typ, az := "", ""
		if inst != nil {
			typ, az = inst.InstanceType, inst.AvailabilityZone
		}
		what := cmpOr(typ, "an instance")
		return m, m.run(func(ctx context.Context) (string, error) {
			return "cluster " + cluster + ": added " + what, a.AddInstance(ctx, cluster, typ, az)
		})
	}
	if inst == nil {
		m.flash("select a container instance", true)
		return m, nil
	}
	arn, id := inst.ARN, cmpOr(inst.EC2InstanceID, Name(inst.ARN))
	if key.Matches(msg, keys.Interrupt) {
		return m, m.run(func(ctx context.Context) (string, error) {
			return "instance " + id + ": Spot notice, DRAINING, terminates in 2 minutes", a.InterruptSpotInstance(ctx, cluster, arn)
		})
	}
	return m.ask("terminate instance "+id+" (its tasks stop)?", func(m Model) (tea.Model, tea.Cmd) {
		return m, m.run(func(ctx context.Context) (string, error) {
			return "instance " + id + ": terminated", a.TerminateInstance(ctx, cluster, arn)
		})
	})
}

func (m Model) drain(cluster string) (tea.Model, tea.Cmd) {
	if m.cur.screen != scrCapacity {
		m.flash("drain works on the capacity view (3): select an instance", true)
		return m, nil
	}
	inst := m.instance(m.selectedKey())
	if inst == nil {
		m.flash("select a container instance to drain", true)
		return m, nil
	}
	to := "DRAINING"
	if inst.Status == "DRAINING" {
		to = "ACTIVE"
	}
	a, arn, id := m.act, inst.ARN, cmpOr(inst.EC2InstanceID, Name(inst.ARN))
	return m, m.run(func(ctx context.Context) (string, error) {
		return "instance " + id + ": " + to, a.SetInstanceState(ctx, cluster, arn, to)
	})
}

// shellDone is the status line once the shell in task taskARN ends and the dashboard
// has the terminal back.
func shellDone(taskARN string) func(error) tea.Msg {
	return func(err error) tea.Msg {
		if err != nil {
			return actionMsg{err: fmt.Errorf("shell in task %s: %w", shortID(taskARN), err)}
		}
		return actionMsg{text: "shell in task " + shortID(taskARN) + " ended"}
	}
}
