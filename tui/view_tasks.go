package tui

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// spotWarning is how long AWS gives a Spot task between the interruption notice and
// reclaiming its capacity.
const spotWarning = 2 * time.Minute

func taskColumns() []column {
	return []column{{title: "TASK", min: 8}, {title: "GROUP", max: 24, drop: 3}, {title: "TASK DEF", max: 24, drop: 7},
		{title: "STATUS", min: 7}, {title: "HEALTH", drop: 6}, {title: "CAPACITY", max: 32, drop: 2},
		{title: "SIZE", drop: 8}, {title: "AGE", right: true, drop: 4}, {title: "UPTIME", right: true, drop: 7},
		{title: "STOP", max: 30, drop: 5}, {title: "PORTS", min: 25, max: 48, drop: 4},
		{title: "NOTE", min: 28, max: 70, drop: 1}}
}

// taskRows lists the current cluster's tasks (only a service's, when named), running
// ones first, each group newest first.
func (m Model) taskRows(service string) ([]column, []item) {
	c := m.cluster()
	if c == nil {
		return taskColumns(), nil
	}
	tasks := c.Tasks
	if service != "" {
		tasks = serviceTasks(c, service)
	} else {
		tasks = append([]*ecs.Task(nil), tasks...)
	}
	sort.SliceStable(tasks, func(i, j int) bool {
		si, sj := tasks[i].LastStatus == ecs.StatusStopped, tasks[j].LastStatus == ecs.StatusStopped
		if si != sj {
			return sj
		}
		return createdAt(tasks[i]).After(createdAt(tasks[j]))
	})
	if service != "" {
		m.sortTasks(scrService, tasks)
	} else {
		m.sortTasks(scrTasks, tasks)
	}
	now := m.emuNow()
	items := make([]item, 0, len(tasks))
	for _, t := range tasks {
		if m.hideStopped && t.LastStatus == ecs.StatusStopped {
			continue
		}
		items = append(items, item{key: t.TaskArn, mk: func() row {
			r := m.taskRow(c, t, now)
			if service != "" {
				r[1] = plain(deploymentOf(t)) // the group is the service's: show the deployment
			}
			return r
		}})
	}
	cols := taskColumns()
	if service != "" {
		cols[1].title = "DEPLOYMENT"
	}
	return cols, items
}

// deploymentOf is the deployment that started a service task (its startedBy), by the
// end of its ID, which is what tells deployments apart in the list above.
func deploymentOf(t *ecs.Task) string {
	id, ok := strings.CutPrefix(t.StartedBy, "ecs-svc/")
	if !ok {
		return dash(t.StartedBy)
	}
	if len(id) > 7 {
		id = "…" + id[len(id)-7:]
	}
	return id
}

func createdAt(t *ecs.Task) time.Time {
	if t.CreatedAt == nil {
		return time.Time{}
	}
	return t.CreatedAt.Time
}

func (m Model) taskRow(c *ClusterState, t *ecs.Task, now time.Time) row {
	status := t.LastStatus.String()
	if t.DesiredStatus != t.LastStatus && t.DesiredStatus != ecs.StatusUnknown {
		status += "→" + t.DesiredStatus.String()
	}
	group := t.Group
	if group == "" {
		group = t.StartedBy
	}
	uptime := "-"
	if t.StartedAt != nil {
		end := now
		if t.StoppedAt != nil {
			end = t.StoppedAt.Time
		}
		uptime = age(end.Sub(t.StartedAt.Time))
	}
	return row{plain(shortID(t.TaskArn)), plain(dash(group)), plain(family(t.TaskDefinitionArn)),
		styled(status, m.st.statusStyle(t.LastStatus.String(), t.DesiredStatus.String())),
		styled(dash(t.HealthStatus), m.st.healthStyle(t.HealthStatus)), plain(m.placement(c, t)),
		plain(taskSize(t.Cpu, t.Memory)), plain(age(now.Sub(createdAt(t)))), plain(uptime), plain(stopOf(t)),
		plain(firstPort(taskPorts(t))),
		styled(m.note(c, t, now), m.st.warn)}
}

// stopOf is a stopped task's stop code and its containers' exit codes.
func stopOf(t *ecs.Task) string {
	var parts []string
	if t.StopCode != "" {
		parts = append(parts, t.StopCode)
	}
	for _, ct := range t.Containers {
		if ct.ExitCode != nil {
			parts = append(parts, fmt.Sprintf("%s=%d", ct.Name, *ct.ExitCode))
		}
	}
	return dash(strings.Join(parts, " "))
}

// taskPorts are a task's published ports as addresses on this machine (URLs for TCP).
func taskPorts(t *ecs.Task) []string {
	var out []string
	seen := map[string]bool{}
	for _, ct := range t.Containers {
		for _, b := range ct.NetworkBindings {
			if b.HostPort == nil {
				continue
			}
			host := b.BindIP
			switch host {
			case "", "0.0.0.0":
				host = "127.0.0.1"
			case "::":
				host = "[::1]"
			}
			u := fmt.Sprintf("%s:%d", host, *b.HostPort)
			if b.Protocol == "" || b.Protocol == "tcp" {
				u = "http://" + u
			}
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// firstPort is the first published port and how many more (the task view lists all),
// so that the one shown stays whole and can be opened.
func firstPort(ports []string) string {
	switch len(ports) {
	case 0:
		return "-"
	case 1:
		return ports[0]
	}
	return fmt.Sprintf("%s +%d", ports[0], len(ports)-1)
}

// placement is where a task runs: its capacity provider or launch type, and for an
// EC2 task the instance ("EC2 on i-0abc…", as ecsmini ps shows it).
func (m Model) placement(c *ClusterState, t *ecs.Task) string {
	p := cmpOr(t.CapacityProviderName, dash(t.LaunchType))
	if t.ContainerInstanceArn != "" {
		p += " on " + m.instanceName(c, t.ContainerInstanceArn)
	}
	return p
}

// instanceName is an EC2 task's instance: its EC2 ID when known.
func (m Model) instanceName(c *ClusterState, arn string) string {
	if arn == "" {
		return ""
	}
	for _, in := range c.Instances {
		if in.ARN == arn && in.EC2InstanceID != "" {
			return in.EC2InstanceID
		}
	}
	return shortID(arn)
}

// note says what is about to happen to a task, or what happened: a Spot reclaim
// countdown, a retirement date, why it waits, why it stopped.
func (m Model) note(c *ClusterState, t *ecs.Task, now time.Time) string {
	if t.StopCode == ecs.StopSpotInterruption && t.StoppingAt != nil {
		if left := t.StoppingAt.Add(spotWarning).Sub(now); left > 0 {
			return "Spot reclaim in " + countdown(left)
		}
	}
	if t.LastStatus == ecs.StatusStopped {
		return t.StoppedReason
	}
	if at, ok := m.retirement(c, t); ok {
		if at.After(now) {
			return "retires in " + age(at.Sub(now)) + " (" + at.UTC().Format("Jan 2 15:04") + ")"
		}
		return "retiring"
	}
	if t.LastStatus < ecs.StatusRunning {
		return pendingReason(c, t)
	}
	return ""
}

// retirement is a task's announced retirement, for itself or its service.
func (m Model) retirement(c *ClusterState, t *ecs.Task) (time.Time, bool) {
	if at, ok := m.snap.Retirements[t.TaskArn]; ok {
		return at, true
	}
	if name, ok := strings.CutPrefix(t.Group, "service:"); ok {
		at, ok := m.snap.Retirements[c.Cluster.ClusterName+"/"+name]
		return at, ok
	}
	return time.Time{}, false
}

// pendingReason says why a task has not started: no Spot capacity, an Auto Scaling
// group still to scale out, or the last placement failure its service reported.
func pendingReason(c *ClusterState, t *ecs.Task) string {
	if t.CapacityProviderName == ecs.FargateSpot && c.SpotAvailable != nil && !*c.SpotAvailable {
		return "waiting for Fargate Spot capacity"
	}
	for _, g := range c.ASGs {
		if g.CapacityProvider != "" && g.CapacityProvider == t.CapacityProviderName {
			return fmt.Sprintf("waiting for an instance of ASG %s (%d/%d, max %d; reservation %.0f%%)",
				g.Name, g.Instances, g.Desired, g.Max, g.Reservation)
		}
	}
	if name, ok := strings.CutPrefix(t.Group, "service:"); ok {
		for _, s := range c.Services {
			if s.ServiceName != name {
				continue
			}
			for _, e := range s.Events[:min(len(s.Events), 3)] {
				if strings.Contains(e.Message, "unable to place") {
					return e.Message
				}
			}
		}
	}
	return "waiting to start (" + t.LastStatus.String() + ")"
}
