package tui

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// capacityRows are the cluster's container instances with CPU and memory bars.
func (m Model) capacityRows() ([]column, []item) {
	cols := []column{{title: "INSTANCE", min: 10}, {title: "TYPE", drop: 4}, {title: "AZ", drop: 6},
		{title: "ASG", max: 20, drop: 5}, {title: "CAPACITY PROVIDER", max: 24, drop: 5}, {title: "STATUS"}, {title: "AGENT", drop: 7},
		{title: "CPU", min: 8, drop: 2}, {title: "MEMORY", min: 8, drop: 3}, {title: "TASKS", right: true, drop: 1}}
	c := m.cluster()
	if c == nil {
		return cols, nil
	}
	var items []item
	for _, in := range c.Instances {
		agent := map[bool]string{true: "connected", false: "DISCONNECTED"}[in.AgentConnected]
		status := m.st.good
		if in.Status != "ACTIVE" {
			status = m.st.warn
		}
		items = append(items, item{key: in.ARN, r: row{plain(cmpOr(in.EC2InstanceID, shortID(in.ARN))), plain(dash(in.InstanceType)),
			plain(dash(in.AvailabilityZone)), plain(dash(in.ASG)), plain(dash(in.CapacityProvider)), styled(in.Status, status), plain(agent),
			plain(resourceBar(in.CPU, "")), plain(resourceBar(in.Memory, "M")),
			plain(fmt.Sprintf("%d run/%d pend", in.RunningTasks, in.PendingTasks))}})
	}
	return cols, items
}

// resourceBar draws what tasks reserve of an instance resource: ███░░ 1024/2048.
func resourceBar(r Resource, unit string) string {
	used := r.Registered - r.Remaining
	return fmt.Sprintf("%s %d/%d%s", bar(used, r.Registered, 8), used, r.Registered, unit)
}

// capacityView: Fargate and Spot task counts and Spot capacity, the simulated
// instances, and the tasks waiting for a place with the reason.
func (m Model) capacityView(w, h int) []string {
	c := m.cluster()
	if c == nil {
		return []string{m.st.dim.Render(" no cluster")}
	}
	counts := map[string]int{}
	interrupted, ec2 := 0, 0
	var pending []*ecs.Task
	for _, t := range c.Tasks {
		if t.LastStatus == ecs.StatusStopped {
			continue
		}
		switch {
		case t.LaunchType == "EC2" || t.ContainerInstanceArn != "":
			ec2++
			if t.CapacityProviderName != "" {
				counts[t.CapacityProviderName]++
			}
		case t.CapacityProviderName != "":
			counts[t.CapacityProviderName]++
		default:
			counts[cmpOr(t.LaunchType, "FARGATE")]++
		}
		if t.StopCode == ecs.StopSpotInterruption {
			interrupted++
		}
		if t.LastStatus < ecs.StatusRunning && t.DesiredStatus == ecs.StatusRunning {
			pending = append(pending, t)
		}
	}
	spot := "unknown"
	spotStyle := m.st.dim
	if c.SpotAvailable != nil {
		spot, spotStyle = "ON", m.st.good
		if !*c.SpotAvailable {
			spot, spotStyle = "OFF (new FARGATE_SPOT tasks wait)", m.st.bad
		}
	}
	line := fmt.Sprintf(" Fargate   FARGATE %d · FARGATE_SPOT %d", counts[ecs.Fargate], counts[ecs.FargateSpot])
	if interrupted > 0 {
		line += fmt.Sprintf(" (%d interrupted)", interrupted)
	}
	lines := []string{clip(line, w) + clipStyled(spotStyle.Render("  Spot capacity "+spot), "  Spot capacity "+spot, max(w-len([]rune(line)), 0))}
	var other []string
	for cp, n := range counts {
		if cp != ecs.Fargate && cp != ecs.FargateSpot {
			other = append(other, fmt.Sprintf("%s %d", cp, n))
		}
	}
	if ec2 > 0 || len(c.Instances) > 0 || len(other) > 0 {
		l := fmt.Sprintf(" EC2       %d instances · %d tasks on EC2", len(c.Instances), ec2)
		if len(other) > 0 {
			l += " · " + strings.Join(other, " · ")
		}
		lines = append(lines, clip(l, w))
	}
	for _, g := range c.ASGs {
		lines = append(lines, clip(asgLine(g), w))
	}
	lines = append(lines, "")
	pendH := 0
	if len(pending) > 0 {
		pendH = min(len(pending)+2, max(h/3, 3))
	}
	if c.Instances != nil {
		cols, items := m.table(scrCapacity)
		lines = append(lines, m.renderItems(cols, items, scrCapacity, w, max(h-len(lines)-pendH, 2))...)
	}
	if len(pending) > 0 {
		lines = append(lines, "", m.st.title.Render(" PENDING PLACEMENTS"))
		now := m.emuNow()
		for _, t := range pending {
			l := fmt.Sprintf(" %s  %-16s %-12s %-12s %s", shortID(t.TaskArn), dash(t.Group), cmpOr(t.CapacityProviderName, t.LaunchType),
				t.LastStatus, age(now.Sub(createdAt(t)))+" "+pendingReason(c, t))
			lines = append(lines, clip(l, w))
		}
	}
	return lines
}

// asgLine is one Auto Scaling group: its size against its bounds and, with managed
// scaling, the reservation that drives it and its last decision.
func asgLine(g ASG) string {
	l := fmt.Sprintf(" ASG       %s: %d/%d instances (min %d, max %d) %s", g.Name, g.Instances, g.Desired, g.Min, g.Max, g.InstanceType)
	if g.Spot {
		l += " Spot"
	}
	if g.Booting > 0 {
		l += fmt.Sprintf(", %d booting", g.Booting)
	}
	if g.CapacityProvider != "" {
		l += " · provider " + g.CapacityProvider
	}
	if g.ManagedScaling {
		l += fmt.Sprintf(" · reservation %.0f%%", g.Reservation)
	}
	if g.ProvisioningTasks > 0 {
		l += fmt.Sprintf(" · %d tasks waiting", g.ProvisioningTasks)
	}
	if g.LastDecision != "" {
		l += " · " + g.LastDecision
	}
	return l
}
