// Package cost estimates what the tasks in the store would cost on AWS Fargate. It
// only reads the state.
package cost

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/fargate"
)

// Report estimates what the tasks the emulator knows would cost on AWS Fargate:
// per task, per service, per cluster and in total. Stopped tasks count while the store
// keeps them (Config.StoppedTaskTTL), so "cost so far" is the cost of the tasks still
// listed. All figures are USD.
type Report struct {
	At       time.Time `json:"at"`
	Currency string    `json:"currency"`
	Billing  string    `json:"billing"`
	Total    Total     `json:"total"`
	// Clusters are in name order; each holds its services and standalone tasks.
	Clusters []Cluster `json:"clusters"`
	// Prices are the prices used, by region (only the regions that priced a task), and
	// PriceSource says where they come from (set by whoever chose them).
	Prices      map[string]fargate.RegionPrices `json:"prices"`
	PriceSource string                          `json:"priceSource,omitempty"`
}

// Only keeps the cluster named by name or ARN, with the totals recomputed.
func (r Report) Only(cluster string) Report {
	out := r
	out.Clusters, out.Total = []Cluster{}, Total{}
	for _, c := range r.Clusters {
		if c.Cluster == cluster || c.ClusterArn == cluster {
			out.Clusters = append(out.Clusters, c)
			out.Total.merge(c.Total)
		}
	}
	return out
}

// Total sums tasks: Cost so far, PerHour of those running now, SpotSavings so far
// (what the same usage would have cost on demand, minus its Spot cost) and the hourly
// savings of the Spot tasks running now.
type Total struct {
	Tasks          int     `json:"tasks"`
	Running        int     `json:"running"`
	Cost           float64 `json:"cost"`
	PerHour        float64 `json:"perHour"`
	SpotSavings    float64 `json:"spotSavings"`
	SpotSavingsPer float64 `json:"spotSavingsPerHour"`
}

func (t *Total) add(e fargate.Estimate) {
	t.Tasks++
	t.Cost += e.Cost
	t.SpotSavings += e.SpotSavings
	if e.Running {
		t.Running++
		t.PerHour += e.PerHour
		t.SpotSavingsPer += e.PerHourOnDemand - e.PerHour
	}
}

func (t *Total) merge(o Total) {
	t.Tasks += o.Tasks
	t.Running += o.Running
	t.Cost += o.Cost
	t.PerHour += o.PerHour
	t.SpotSavings += o.SpotSavings
	t.SpotSavingsPer += o.SpotSavingsPer
}

// Cluster is one cluster's tasks: by service, then the standalone ones.
type Cluster struct {
	Cluster    string    `json:"cluster"`
	ClusterArn string    `json:"clusterArn"`
	Total      Total     `json:"total"`
	Services   []Service `json:"services"`
	Standalone Group     `json:"standalone"`
}

// Service is the tasks of one service (group "service:NAME").
type Service struct {
	Service string `json:"service"`
	Group
}

// Group is a set of tasks and their sum, newest first.
type Group struct {
	Total Total  `json:"total"`
	Tasks []Task `json:"tasks"`
}

// Task is one task's estimate.
type Task struct {
	TaskArn    string `json:"taskArn"`
	TaskID     string `json:"taskId"`
	Definition string `json:"definition"` // family:revision
	LastStatus string `json:"lastStatus"`
	fargate.Estimate
}

// Of reports the estimated Fargate cost of every task in the store at time now (the
// emulator's clock when now is zero), priced with prices. It only reads.
func Of(st *state.State, now time.Time, prices fargate.PriceTable) Report {
	if now.IsZero() {
		now = st.Clock.Now()
	}
	rep := Report{At: now, Currency: "USD", Clusters: []Cluster{}, Prices: map[string]fargate.RegionPrices{},
		Billing: "per second, one-minute minimum, from the image pull until the task stops; Fargate tasks only"}
	clusters := map[string]*Cluster{}
	services := map[string]*Service{}  // by cluster ARN + NUL + service name
	platforms := map[string]platform{} // by task definition ARN
	st.Store.View(func() {
		st.Tasks.Ascend("", func(_ string, r *state.Task) bool {
			t := r.Task
			p, ok := platforms[t.TaskDefinitionArn]
			if !ok {
				p = platformOf(st, t.TaskDefinitionArn)
				platforms[t.TaskDefinitionArn] = p
			}
			est := prices.Cost(fargate.UsageOf(t, p.arch, p.os, now))
			if est.PricedAs != "" {
				rep.Prices[est.PricedAs], _, _ = prices.For(est.PricedAs)
			}
			tc := Task{TaskArn: t.TaskArn, TaskID: lastPathPart(t.TaskArn), Definition: lastPathPart(t.TaskDefinitionArn),
				LastStatus: t.LastStatus.String(), Estimate: est}
			c := clusters[t.ClusterArn]
			if c == nil {
				c = &Cluster{Cluster: cmp.Or(r.ClusterName, lastPathPart(t.ClusterArn)), ClusterArn: t.ClusterArn, Services: []Service{},
					Standalone: Group{Tasks: []Task{}}}
				clusters[t.ClusterArn] = c
			}
			c.Total.add(est)
			g := &c.Standalone
			if name, ok := strings.CutPrefix(t.Group, "service:"); ok {
				k := t.ClusterArn + "\x00" + name
				s := services[k]
				if s == nil {
					s = &Service{Service: name, Group: Group{Tasks: []Task{}}}
					services[k] = s
				}
				g = &s.Group
			}
			g.Total.add(est)
			g.Tasks = append(g.Tasks, tc)
			return true
		})
	})
	for k, s := range services {
		arn, _, _ := strings.Cut(k, "\x00")
		clusters[arn].Services = append(clusters[arn].Services, *s)
	}
	for _, c := range clusters {
		slices.SortFunc(c.Services, func(a, b Service) int { return cmp.Compare(a.Service, b.Service) })
		for i := range c.Services {
			sortTaskCosts(c.Services[i].Tasks)
		}
		sortTaskCosts(c.Standalone.Tasks)
		rep.Total.merge(c.Total)
		rep.Clusters = append(rep.Clusters, *c)
	}
	slices.SortFunc(rep.Clusters, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(a.Cluster, b.Cluster), cmp.Compare(a.ClusterArn, b.ClusterArn))
	})
	return rep
}

// sortTaskCosts orders tasks running first, then by start, newest first.
func sortTaskCosts(ts []Task) {
	slices.SortFunc(ts, func(a, b Task) int {
		if a.Running != b.Running {
			if a.Running {
				return -1
			}
			return 1
		}
		return cmp.Or(b.Start.Compare(a.Start), cmp.Compare(a.TaskID, b.TaskID))
	})
}

// platform is what pricing needs from a task definition's runtimePlatform.
type platform struct{ arch, os string }

// platformOf reads a task definition's CPU architecture and OS family ("" when it
// names none, or is gone). It runs inside a store View.
func platformOf(st *state.State, taskDefARN string) platform {
	a, _ := ecs.ParseARN(taskDefARN)
	family, rev, _ := strings.Cut(a.Path(), ":")
	n, _ := state.AtoiPositive(rev)
	td, ok := st.TaskDefs.Get(state.Key(a.Region, family, state.RevKey(n)))
	if !ok {
		return platform{}
	}
	// Only runtimePlatform is needed: decoding the whole definition of each of many
	// revisions would cost more than the rest of the report.
	var def struct {
		RuntimePlatform *ecs.RuntimePlatform `json:"runtimePlatform"`
	}
	if json.Unmarshal(td.Definition, &def) != nil || def.RuntimePlatform == nil {
		return platform{}
	}
	return platform{arch: ecs.Deref(def.RuntimePlatform.CpuArchitecture), os: ecs.Deref(def.RuntimePlatform.OperatingSystemFamily)}
}

// lastPathPart is the part of an ARN after its last "/": a task ID, a cluster name,
// family:revision.
func lastPathPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }
