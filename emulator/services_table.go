package emulator

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Table is the discovery table of a cluster (discovery.TableSource), which every
// awsvpc task of the cluster polls:
//
//   - every ACTIVE service's name → its live tasks' addresses (ecsmini's own names, so
//     that tasks find each other without configuration);
//   - each serviceRegistries entry's Cloud Map name (see RegistryName) → the same
//     addresses, with SRV records when the registry gives a port;
//   - each Service Connect client alias, and the discovery names, → the alias's
//     address in 127.255.0.0/16, where the task's proxy listens (Proxies).
//
// Service Connect names win over the others when they coincide.
func (e *Emulator) Table(clusterARN string) discovery.Table {
	t := discovery.Table{Records: map[string][]string{}, SRV: map[string][]discovery.SRV{}}
	a, ok := ecs.ParseARN(clusterARN)
	if !ok || a.Kind() != "cluster" {
		return t
	}
	var entries []connectEntry
	prefix := key(a.Region, a.Path(), "")
	e.store.View(func() {
		defaultNS := ""
		if c, ok := e.clusters.Get(key(a.Region, a.Path())); ok && c.ServiceConnectDefaults != nil {
			defaultNS = ecs.Deref(c.ServiceConnectDefaults.Namespace)
		}
		e.services.Ascend(prefix, func(k string, r *serviceRecord) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if r.Service.Status != ecs.ServiceActive {
				return true
			}
			tasks := e.serviceTasks(k)
			ips := make([]string, 0, len(tasks))
			for _, lt := range tasks {
				ips = append(ips, lt.ip)
			}
			if n := dnsName(r.Service.ServiceName); n != "" {
				t.Records[n] = append(t.Records[n], ips...)
			}
			e.addRegistries(&t, r, tasks, defaultNS)
			entries = append(entries, e.connectEntries(r, tasks, defaultNS)...)
			return true
		})
	})
	addServiceConnect(&t, entries, e.logError)
	return t
}
