package svcdns

import (
	"strings"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Table is the discovery table of a cluster (discovery.TableSource), which every
// awsvpc task of the cluster, and every bridge task of its Service Connect services, polls:
//
//   - every ACTIVE service's name → its live tasks' addresses (ecsmini's own names, so
//     that tasks find each other without configuration);
//   - each serviceRegistries entry's Cloud Map name (see RegistryName) → the same
//     addresses, with SRV records when the registry gives a port, for the services of
//     every cluster of the region (a Cloud Map namespace answers in its whole VPC);
//   - each Service Connect client alias, and the discovery names, → the alias's
//     address in 127.255.0.0/16, where the task's proxy listens (Proxies).
//
// Service Connect names win over the others when they coincide. Every such task asks
// every second, so a table is kept until the state changes (tableCache); callers must
// not modify it.
func (d *DNS) Table(clusterARN string) discovery.Table {
	seq := d.st.Store.Seq()
	indexed := d.h.Indexed()
	if t, ok := d.tables.get(clusterARN, seq, indexed); ok {
		return t
	}
	t := d.table(clusterARN)
	d.tables.put(clusterARN, seq, indexed, t)
	return t
}

// table builds the discovery table of a cluster.
func (d *DNS) table(clusterARN string) discovery.Table {
	t := discovery.Table{Records: map[string][]string{}, SRV: map[string][]discovery.SRV{}}
	a, ok := ecs.ParseARN(clusterARN)
	if !ok || a.Kind() != "cluster" {
		return t
	}
	var entries []connectEntry
	prefix := state.Key(a.Region, a.Path(), "")
	d.st.Store.View(func() {
		defaultNS := ""
		if c, ok := d.st.Clusters.Get(state.Key(a.Region, a.Path())); ok && c.ServiceConnectDefaults != nil {
			defaultNS = ecs.Deref(c.ServiceConnectDefaults.Namespace)
		}
		d.st.Services.Ascend(prefix, func(k string, r *state.Service) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if r.Service.Status != ecs.ServiceActive {
				return true
			}
			tasks := d.h.LiveTasks(k)
			ips := make([]string, 0, len(tasks))
			for _, lt := range tasks {
				ips = append(ips, lt.IP)
			}
			if n := dnsName(r.Service.ServiceName); n != "" {
				t.Records[n] = append(t.Records[n], ips...)
			}
			d.addRegistries(&t, r, tasks, defaultNS)
			entries = append(entries, d.connectEntries(r, tasks, defaultNS)...)
			return true
		})
		d.addOtherClustersRegistries(&t, a.Region, a.Path())
	})
	addServiceConnect(&t, entries, d.st.LogError)
	return t
}

// tableCache keeps each cluster's last table with the state it was built from: the
// store's sequence number (tasks, services, task definitions and registry names are
// all in the store) and whether the service membership index was built yet (it is
// filled from the store once, on the first pass; afterwards it changes only for tasks
// that are not live: new ones PROVISIONING, stopped ones leaving).
type tableCache struct {
	mu sync.Mutex
	m  map[string]cachedTable // by cluster ARN
}

type cachedTable struct {
	seq     uint64
	indexed bool
	t       discovery.Table
}

func (c *tableCache) get(cluster string, seq uint64, indexed bool) (discovery.Table, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ct, ok := c.m[cluster]
	if !ok || ct.seq != seq || ct.indexed != indexed {
		return discovery.Table{}, false
	}
	return ct.t, true
}

func (c *tableCache) put(cluster string, seq uint64, indexed bool, t discovery.Table) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]cachedTable{}
	}
	c.m[cluster] = cachedTable{seq: seq, indexed: indexed, t: t}
}
