package tui

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// sortOrder is a list's sort: the index of its key among the screen's sort keys (0:
// the list's own order) and whether it is reversed.
type sortOrder struct {
	by   int
	desc bool
}

// taskSorts order task lists; the first is the default (running first, newest first).
var taskSorts = []struct {
	name string
	cmp  func(a, b *ecs.Task) int
}{
	{"status, newest", nil},
	{"task", func(a, b *ecs.Task) int { return strings.Compare(Name(a.TaskArn), Name(b.TaskArn)) }},
	{"status", func(a, b *ecs.Task) int {
		return cmp.Or(cmp.Compare(a.LastStatus, b.LastStatus), cmp.Compare(a.DesiredStatus, b.DesiredStatus))
	}},
	{"health", func(a, b *ecs.Task) int { return strings.Compare(a.HealthStatus, b.HealthStatus) }},
	{"group", func(a, b *ecs.Task) int { return strings.Compare(a.Group, b.Group) }},
	{"task def", func(a, b *ecs.Task) int {
		return strings.Compare(family(a.TaskDefinitionArn), family(b.TaskDefinitionArn))
	}},
	{"age", func(a, b *ecs.Task) int { return createdAt(a).Compare(createdAt(b)) }},
}

// serviceSorts order the services list; the first is the API's order.
var serviceSorts = []struct {
	name string
	cmp  func(a, b *ecs.Service) int
}{
	{"created", nil},
	{"name", func(a, b *ecs.Service) int { return strings.Compare(a.ServiceName, b.ServiceName) }},
	{"desired", func(a, b *ecs.Service) int { return cmp.Compare(a.DesiredCount, b.DesiredCount) }},
	{"running", func(a, b *ecs.Service) int { return cmp.Compare(a.RunningCount, b.RunningCount) }},
	{"pending", func(a, b *ecs.Service) int { return cmp.Compare(a.PendingCount, b.PendingCount) }},
	{"task def", func(a, b *ecs.Service) int {
		return strings.Compare(family(a.TaskDefinition), family(b.TaskDefinition))
	}},
}

// sortable says how many sort keys a screen has (0: it does not sort).
func sortable(s screen) int {
	switch s {
	case scrTasks, scrService:
		return len(taskSorts)
	case scrServices:
		return len(serviceSorts)
	}
	return 0
}

// sortName is the current screen's sort, shown in the crumbs ("" for the default).
func (m Model) sortName() string {
	o := m.sorts[m.cur.screen]
	if o.by == 0 && !o.desc {
		return ""
	}
	name := ""
	switch m.cur.screen {
	case scrTasks, scrService:
		name = taskSorts[o.by].name
	case scrServices:
		name = serviceSorts[o.by].name
	default:
		return ""
	}
	if o.desc {
		return name + " ↓"
	}
	return name + " ↑"
}

// cycleSort sorts the current list by its next key.
func (m *Model) cycleSort() {
	n := sortable(m.cur.screen)
	if n == 0 {
		m.flash("this view does not sort", true)
		return
	}
	o := m.sorts[m.cur.screen]
	o.by = (o.by + 1) % n
	m.sorts[m.cur.screen] = o
	m.flash("sorted by "+cmpOr(m.sortName(), "default order"), false)
}

// reverseSort reverses the current list's order.
func (m *Model) reverseSort() {
	if sortable(m.cur.screen) == 0 {
		m.flash("this view does not sort", true)
		return
	}
	o := m.sorts[m.cur.screen]
	o.desc = !o.desc
	m.sorts[m.cur.screen] = o
}

// sortTasks orders tasks in place by the screen's sort (after the default order, so
// that ties keep it).
func (m Model) sortTasks(s screen, tasks []*ecs.Task) {
	o := m.sorts[s]
	if c := taskSorts[o.by].cmp; c != nil {
		slices.SortStableFunc(tasks, c)
	}
	if o.desc {
		slices.Reverse(tasks)
	}
}

// sortServices orders services (a copy) by the services screen's sort.
func (m Model) sortServices(services []*ecs.Service) []*ecs.Service {
	o := m.sorts[scrServices]
	if o.by == 0 && !o.desc {
		return services
	}
	out := slices.Clone(services)
	if c := serviceSorts[o.by].cmp; c != nil {
		slices.SortStableFunc(out, c)
	}
	if o.desc {
		slices.Reverse(out)
	}
	return out
}
