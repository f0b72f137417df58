package tui

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// taskView is one task: its facts, then its containers.
func (m Model) taskView(w, h int) []string {
	c := m.cluster()
	t := m.task(m.cur.task)
	if c == nil || t == nil {
		return []string{m.st.dim.Render(" task " + shortID(m.cur.task) + " is gone (stopped tasks expire)")}
	}
	now := m.emuNow()
	status := t.LastStatus.String() + " (desired " + t.DesiredStatus.String() + ")"
	facts := [][2]string{
		{"Task", t.TaskArn},
		{"Definition", family(t.TaskDefinitionArn) + "  group " + dash(t.Group)},
		{"Status", status + "  health " + dash(t.HealthStatus)},
		{"Capacity", cmpOr(t.CapacityProviderName, dash(t.LaunchType)) + "  platform " + dash(t.PlatformVersion) + "  size " + taskSize(t.Cpu, t.Memory) + "  " + t.AvailabilityZone},
		{"Created", stamp(t.CreatedAt) + "  started " + stamp(t.StartedAt) + "  stopped " + stamp(t.StoppedAt)},
	}
	if t.ContainerInstanceArn != "" {
		facts = append(facts, [2]string{"Instance", m.instanceName(c, t.ContainerInstanceArn) + "  " + t.ContainerInstanceArn})
	}
	var stop []string // the stop reason in full, wrapped: it is what the user came for
	if t.StopCode != "" || t.StoppedReason != "" {
		stop = wrapLines([]string{dash(t.StopCode) + ": " + t.StoppedReason}, w-12)
		facts = append(facts, [2]string{"Stop", stop[0]})
		for _, l := range stop[1:] {
			facts = append(facts, [2]string{"", l})
		}
	}
	if n := m.note(c, t, now); n != "" && n != t.StoppedReason {
		facts = append(facts, [2]string{"Note", n})
	}
	if ports := taskPorts(t); len(ports) > 0 {
		facts = append(facts, [2]string{"Ports", strings.Join(ports, " ")})
	}
	var lines []string
	for _, f := range facts {
		lines = append(lines, clip(fmt.Sprintf(" %-11s%s", f[0], f[1]), w))
	}
	lines = append(lines, "")
	cols := []column{{title: "CONTAINER", min: 6, max: 24}, {title: "IMAGE", max: 36, drop: 3}, {title: "STATUS"},
		{title: "HEALTH", drop: 4}, {title: "EXIT", right: true, drop: 1}, {title: "REASON", max: 50, drop: 2}, {title: "PORTS", drop: 5}}
	var rows []row
	for _, ct := range t.Containers {
		exit := "-"
		if ct.ExitCode != nil {
			exit = fmt.Sprint(*ct.ExitCode)
		}
		var ports []string
		for _, b := range ct.NetworkBindings {
			if b.HostPort != nil && b.ContainerPort != nil {
				ports = append(ports, fmt.Sprintf("%d→%d", *b.HostPort, *b.ContainerPort))
			}
		}
		rows = append(rows, row{plain(ct.Name), plain(ct.Image), styled(ct.LastStatus, m.st.statusStyle(ct.LastStatus, "")),
			styled(dash(ct.HealthStatus), m.st.healthStyle(ct.HealthStatus)), plain(exit), plain(dash(ct.Reason)), plain(dash(strings.Join(ports, " ")))})
	}
	reasons := containerReasons(t, w)
	lines = append(lines, renderTable(m.st, cols, rows, w, h-len(lines)-len(reasons), -1)...)
	return append(lines, reasons...)
}

// containerReasons are the containers' reasons in full (the table clips them), wrapped.
func containerReasons(t *ecs.Task, w int) []string {
	var out []string
	for _, ct := range t.Containers {
		if ct.Reason == "" {
			continue
		}
		if out == nil {
			out = []string{""}
		}
		for i, l := range wrapLines([]string{ct.Reason}, w-14) {
			head := ""
			if i == 0 {
				head = ct.Name + ":"
			}
			out = append(out, clip(fmt.Sprintf(" %-12s %s", head, l), w))
		}
	}
	return out
}

func stamp(t *ecs.Timestamp) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format("15:04:05")
}
