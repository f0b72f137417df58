package tui

// screen is one of the dashboard's views.
type screen int

const (
	scrClusters screen = iota
	scrServices        // a cluster's services
	scrService         // one service: deployments, tasks, events
	scrTasks           // a cluster's tasks, standalone ones too
	scrTask            // one task: its containers
	scrCapacity        // Fargate/Spot counts, instances, pending placements
	scrEvents
	scrLogs
	scrCost
	scrDescribe // the selected object as JSON
	scrMessages // the notes: compose watcher, demo narration
)

var screenNames = map[screen]string{
	scrClusters: "clusters", scrServices: "services", scrService: "service", scrTasks: "tasks",
	scrTask: "task", scrCapacity: "capacity", scrEvents: "events", scrLogs: "logs", scrCost: "cost",
	scrDescribe: "describe", scrMessages: "messages",
}

// view is where the user is: a screen and the objects it is about.
type view struct {
	screen  screen
	cluster string // cluster name
	service string // service name (scrService)
	task    string // task ARN (scrTask, scrLogs)
}

// push goes to v, remembering where the user was (esc comes back).
func (m *Model) push(v view) {
	if v == m.cur {
		return
	}
	m.stack = append(m.stack, m.cur)
	if len(m.stack) > 32 {
		m.stack = m.stack[1:]
	}
	m.cur = v
}

// jump goes to a top-level screen of the current cluster; the way back is the
// cluster's services.
func (m *Model) jump(s screen) {
	if m.cur.screen == s {
		return
	}
	m.stopLogs()
	m.stack = []view{{screen: scrServices, cluster: m.cur.cluster}}
	if s == scrServices || s == scrClusters {
		m.stack = nil
	}
	m.cur = view{screen: s, cluster: m.cur.cluster}
}

func (m *Model) back() {
	m.stopLogs()
	if len(m.stack) == 0 {
		if m.cur.screen != scrClusters {
			m.cur = view{screen: scrClusters, cluster: m.cur.cluster}
		}
		return
	}
	m.cur = m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
}

// settleCluster picks a cluster to show when none is chosen or it vanished:
// "default" if it exists, else the first.
func (m *Model) settleCluster() {
	if m.snap == nil || len(m.snap.Clusters) == 0 {
		return
	}
	if m.cluster() != nil {
		return
	}
	name := Name(m.snap.Clusters[0].Cluster.ClusterArn)
	for _, c := range m.snap.Clusters {
		if c.Cluster.ClusterName == "default" {
			name = "default"
		}
	}
	m.cur.cluster = name
	for i := range m.stack {
		m.stack[i].cluster = name
	}
}

// cluster is the current cluster's state, nil if unknown.
func (m Model) cluster() *ClusterState {
	if m.snap == nil {
		return nil
	}
	for i := range m.snap.Clusters {
		c := &m.snap.Clusters[i]
		if c.Cluster.ClusterName == m.cur.cluster {
			return c
		}
	}
	return nil
}

// selected returns the index of the selected row among items (by key, else by the
// remembered index, clamped), -1 when there are none.
func (m Model) selected(s screen, items []item) int {
	if len(items) == 0 {
		return -1
	}
	if k, ok := m.sel[s]; ok {
		for i, it := range items {
			if it.key == k {
				return i
			}
		}
	}
	return min(max(m.idx[s], 0), len(items)-1)
}

// move shifts the selection by delta rows (clamped).
func (m *Model) move(delta int) {
	s := m.cur.screen
	items := m.items(s)
	if len(items) == 0 {
		return
	}
	i := min(max(m.selected(s, items)+delta, 0), len(items)-1)
	m.sel[s], m.idx[s] = items[i].key, i
}

// selectedKey is the key of the selected row of the current screen, "" if none.
func (m Model) selectedKey() string {
	items := m.items(m.cur.screen)
	if i := m.selected(m.cur.screen, items); i >= 0 {
		return items[i].key
	}
	return ""
}

// stopLogs ends the logs subscription when the user leaves the logs screen.
func (m *Model) stopLogs() {
	if m.cur.screen == scrLogs && m.logCancel != nil {
		m.logCancel()
		m.logCancel, m.logsCh = nil, nil
	}
}
