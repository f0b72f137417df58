package servicectl

import (
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Records are the service discovery names of a cluster and the private IPv4 addresses
// of the tasks behind each: every ACTIVE service under its own name, and under its
// Service Connect discovery names and client aliases (bare, and qualified by the
// namespace). A task is listed while it is RUNNING, wanted and not UNHEALTHY, as Cloud
// Map keeps ECS-managed instances (spec §5.13). Only awsvpc tasks have an address of
// their own; names are lower-case.
func (ctl *Ctl) Records(clusterARN string) map[string][]string {
	a, ok := ecs.ParseARN(clusterARN)
	if !ok || a.Kind() != "cluster" {
		return map[string][]string{}
	}
	out := map[string][]string{}
	prefix := state.Key(a.Region, a.Path(), "")
	ctl.st.Store.View(func() {
		ctl.st.Services.Ascend(prefix, func(k string, r *state.Service) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			if r.Service.Status != ecs.ServiceActive {
				return true
			}
			ips := ctl.serviceAddresses(k)
			for _, name := range discoveryNames(r) {
				out[name] = append(out[name], ips...)
			}
			return true
		})
	})
	return out
}

// serviceAddresses lists the addresses of a service's tasks that may take traffic.
func (ctl *Ctl) serviceAddresses(serviceKey string) []string {
	ips := []string{}
	for _, tk := range ctl.MemberKeys(serviceKey) {
		tr, ok := ctl.st.Tasks.Get(tk)
		if !ok || tr.Draining {
			continue
		}
		t := tr.Task
		if t.LastStatus != ecs.StatusRunning || t.DesiredStatus != ecs.StatusRunning || t.HealthStatus == ecs.HealthUnhealthy {
			continue
		}
		if ip := privateIP(t); ip != "" {
			ips = append(ips, ip)
		}
	}
	return ips
}

// privateIP is an awsvpc task's address, from its ENI attachment.
func privateIP(t *ecs.Task) string {
	for _, att := range t.Attachments {
		for _, d := range att.Details {
			if ecs.Deref(d.Name) == "privateIPv4Address" {
				return ecs.Deref(d.Value)
			}
		}
	}
	return ""
}

// discoveryNames are the names a service answers to.
func discoveryNames(r *state.Service) []string {
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		n = strings.ToLower(strings.TrimSuffix(n, "."))
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	add(r.Service.ServiceName)
	sc := r.ServiceConnect()
	if !sc.Enabled {
		return names
	}
	ns := state.NamespaceName(sc.Namespace)
	for _, s := range sc.Services {
		disc := s.DiscoveryName
		if disc == "" {
			disc = s.PortName
		}
		add(disc)
		if ns != "" && disc != "" {
			add(disc + "." + ns)
		}
		for _, ca := range s.ClientAliases {
			if ca.DNSName != "" {
				add(ca.DNSName)
			} else if ns != "" && disc != "" {
				add(disc + "." + ns)
			}
		}
	}
	return names
}
