package tui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func (m Model) clusterRows() ([]column, []item) {
	cols := []column{{title: "CLUSTER", min: 8}, {title: "STATUS", drop: 5}, {title: "SERVICES", right: true, drop: 3},
		{title: "RUNNING", right: true}, {title: "PENDING", right: true, drop: 2}, {title: "INSTANCES", right: true, drop: 4},
		{title: "SPOT", drop: 1}, {title: "COST/H", right: true, drop: 6}}
	var items []item
	for _, c := range m.snap.Clusters {
		cl := c.Cluster
		spot := "-"
		if c.SpotAvailable != nil {
			spot = map[bool]string{true: "on", false: "OFF"}[*c.SpotAvailable]
		}
		cost := "-"
		if c.Cost != nil {
			cost = money(c.Cost.Total.PerHour)
		}
		items = append(items, item{key: cl.ClusterName, r: row{plain(cl.ClusterName), plain(cl.Status),
			plain(fmt.Sprint(cl.ActiveServicesCount)), plain(fmt.Sprint(cl.RunningTasksCount)), plain(fmt.Sprint(cl.PendingTasksCount)),
			plain(fmt.Sprint(cl.RegisteredContainerInstancesCount)), plain(spot), plain(cost)}})
	}
	return cols, items
}

func (m Model) serviceRows() ([]column, []item) {
	cols := []column{{title: "SERVICE", min: 8, max: 30}, {title: "DESIRED", right: true}, {title: "RUNNING", right: true},
		{title: "PENDING", right: true, drop: 3}, {title: "ROLLOUT", min: 9, drop: 1}, {title: "PROGRESS", drop: 2},
		{title: "CAPACITY", max: 32, drop: 4}, {title: "TASK DEF", max: 28, drop: 5}, {title: "LOAD BALANCER", max: 40, drop: 6},
		{title: "AGE", right: true, drop: 7}, {title: "COST/H", right: true, drop: 8}}
	c := m.cluster()
	if c == nil {
		return cols, nil
	}
	now := m.emuNow()
	var items []item
	for _, s := range m.sortServices(c.Services) {
		primary := primaryDeployment(s)
		rollout, progress := "-", "-"
		if primary != nil {
			rollout = primary.RolloutState
			if len(s.Deployments) > 1 {
				rollout += fmt.Sprintf(" (%d)", len(s.Deployments))
			}
			progress = fmt.Sprintf("%s %d/%d", bar(primary.RunningCount, primary.DesiredCount, 6), primary.RunningCount, primary.DesiredCount)
		}
		created := "-"
		if s.CreatedAt != nil {
			created = age(now.Sub(s.CreatedAt.Time))
		}
		cost := "-"
		if c.Cost != nil {
			if l, ok := c.Cost.Services[s.ServiceName]; ok {
				cost = money(l.PerHour)
			}
		}
		items = append(items, item{key: s.ServiceName, r: row{plain(s.ServiceName), plain(fmt.Sprint(s.DesiredCount)),
			plain(fmt.Sprint(s.RunningCount)), plain(fmt.Sprint(s.PendingCount)), styled(rollout, m.st.rolloutStyle(strings.Fields(rollout + " -")[0])),
			plain(progress), plain(capacityOf(s.LaunchType, s.CapacityProviderStrategy)), plain(family(s.TaskDefinition)),
			plain(dash(strings.Join(m.serviceURLs(s), " "))), plain(created), plain(cost)}})
	}
	return cols, items
}

func primaryDeployment(s *ecs.Service) *ecs.Deployment {
	for i := range s.Deployments {
		if s.Deployments[i].Status == "PRIMARY" {
			return &s.Deployments[i]
		}
	}
	return nil
}

// capacityOf names a launch type or a capacity provider strategy (FARGATE:1+SPOT:3).
func capacityOf(launchType string, strategy []ecs.CapacityProviderStrategyItem) string {
	if len(strategy) == 0 {
		return dash(launchType)
	}
	var parts []string
	for _, it := range strategy {
		p := fmt.Sprintf("%s:%d", it.CapacityProvider, it.Weight)
		if it.Base > 0 {
			p += fmt.Sprintf("(base %d)", it.Base)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "+")
}

// serviceURLs are the local load balancers of a service, as URLs to open.
func (m Model) serviceURLs(s *ecs.Service) []string {
	var out []string
	for _, lb := range s.LoadBalancers {
		if a, ok := m.snap.LoadBalancers[lb.TargetGroupArn]; ok {
			out = append(out, "http://"+a)
		}
	}
	sort.Strings(out)
	return out
}

// testURLs are the test listeners of a service's BLUE_GREEN, LINEAR or CANARY
// deployments: the local load balancers of its alternate target groups.
func (m Model) testURLs(s *ecs.Service) []string {
	var out []string
	for _, lb := range s.LoadBalancers {
		if adv := lb.AdvancedConfiguration; adv != nil {
			if a, ok := m.snap.LoadBalancers[adv.AlternateTargetGroupArn]; ok {
				out = append(out, "test http://"+a)
			}
		}
	}
	sort.Strings(out)
	return out
}

// serviceView is one service: a summary, its deployments, its tasks, its last events.
func (m Model) serviceView(w, h int) []string {
	s := m.service(m.cur.service)
	if s == nil {
		return []string{m.st.dim.Render(" service " + m.cur.service + " is gone")}
	}
	sum := fmt.Sprintf(" %s  %s  desired %d · running %d · pending %d  %s", s.ServiceName, s.Status, s.DesiredCount,
		s.RunningCount, s.PendingCount, capacityOf(s.LaunchType, s.CapacityProviderStrategy))
	if urls := append(m.serviceURLs(s), m.testURLs(s)...); len(urls) > 0 {
		sum += "  " + strings.Join(urls, " ")
	}
	if at, ok := m.snap.Retirements[m.cur.cluster+"/"+s.ServiceName]; ok {
		sum += "  retirement in " + age(at.Sub(m.emuNow()))
	}
	lines := []string{clip(sum, w)}
	colours := shifting(s)
	if colours {
		lines = append(lines, clip(m.strategyLine(m.cluster(), s), w))
	}
	dcols := []column{{title: "DEPLOYMENT", max: 28, drop: 4}, {title: "STATUS"}, {title: "TASK DEF", max: 28, drop: 1},
		{title: "DESIRED", right: true}, {title: "RUNNING", right: true}, {title: "PENDING", right: true, drop: 3},
		{title: "FAILED", right: true, drop: 5}, {title: "ROLLOUT", min: 9}, {title: "PROGRESS", drop: 3},
		{title: "REASON", min: 10, max: 60, drop: 2}}
	if colours {
		dcols = append([]column{{title: "COLOUR"}}, dcols...)
	}
	var drows []row
	for _, d := range s.Deployments {
		r := row{plain(d.ID), plain(d.Status), plain(family(d.TaskDefinition)), plain(fmt.Sprint(d.DesiredCount)),
			plain(fmt.Sprint(d.RunningCount)), plain(fmt.Sprint(d.PendingCount)), plain(fmt.Sprint(d.FailedTasks)),
			styled(d.RolloutState, m.st.rolloutStyle(d.RolloutState)), plain(bar(d.RunningCount, d.DesiredCount, 8)),
			plain(d.RolloutStateReason)}
		if colours {
			st := m.st.info
			if colourOf(d) == "green" {
				st = m.st.good
			}
			r = append(row{styled(colourOf(d), st)}, r...)
		}
		drows = append(drows, r)
	}
	if len(drows) > 0 {
		lines = append(lines, renderTable(m.st, dcols, drows, w, min(len(drows)+1, 4), -1)...)
	}
	if len(s.TaskSets) > 0 {
		tcols, trows := m.taskSetRows(s)
		lines = append(lines, renderTable(m.st, tcols, trows, w, min(len(trows)+1, 4), -1)...)
	}
	evLines := min(len(s.Events), max((h-len(lines)-4)/3, 0), 10)
	taskH := h - len(lines) - 1 - evLines
	if evLines > 0 {
		taskH--
	}
	lines = append(lines, "")
	cols, items := m.table(scrService)
	lines = append(lines, m.renderItems(cols, items, scrService, w, taskH)...)
	for len(lines) < h-evLines {
		lines = append(lines, "")
	}
	if evLines > 0 && len(lines) >= h-evLines-1 {
		lines = lines[:h-evLines-1]
		lines = append(lines, m.st.title.Render(" EVENTS"))
		for _, e := range s.Events[:evLines] {
			t := ""
			if e.CreatedAt != nil {
				t = e.CreatedAt.UTC().Format("15:04:05") + " "
			}
			lines = append(lines, clip(" "+t+e.Message, w))
		}
	}
	return lines
}
