package svcdns

import (
	"encoding/json"
	"maps"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/serviceconnect"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// connectConfig is the part of a deployment's serviceConnectConfiguration the proxies
// need (the API's ServiceConnectConfiguration).
type connectConfig struct {
	Enabled   bool   `json:"enabled"`
	Namespace string `json:"namespace"`
	Services  []struct {
		PortName      string `json:"portName"`
		DiscoveryName string `json:"discoveryName"`
		ClientAliases []struct {
			Port    int    `json:"port"`
			DNSName string `json:"dnsName"`
		} `json:"clientAliases"`
		Timeout *struct {
			IdleTimeoutSeconds       *int `json:"idleTimeoutSeconds"`
			PerRequestTimeoutSeconds *int `json:"perRequestTimeoutSeconds"`
		} `json:"timeout"`
	} `json:"services"`
}

// connectConfigOf reads the PRIMARY deployment's configuration; stored as the client sent
// it, bad JSON reads as disabled.
func connectConfigOf(r *state.Service) connectConfig {
	var c connectConfig
	if p := r.Primary(); p != nil && len(p.ServiceConnectConfiguration) > 0 {
		_ = json.Unmarshal(p.ServiceConnectConfiguration, &c)
	}
	return c
}

// connectEntry is one services[] entry of a Service Connect service, resolved against
// its live tasks.
type connectEntry struct {
	source    string // the service ARN and entry index: a neighbour cluster's entry comes once per client
	discovery string // discoveryName (default portName)
	namespace string // the namespace's name (an ARN's id)
	aliases   []connectAlias
	protocol  string   // the port mapping's appProtocol
	endpoints []string // ip:containerPort of the live tasks
	idle      *int
	request   *int
}

type connectAlias struct {
	name string
	port int
}

// connectEntries resolves a service's Service Connect entries; a client-only service
// (no services[]) has none of its own. defaultNS is the cluster's serviceConnectDefaults
// namespace, used when the service names none. A namespace is not a cluster's: the
// entries of the services of other clusters of the region in the same namespace come
// with it, so that a client reaches a server across clusters as on ECS (the cluster's
// own services are resolved by its table's walk). Call it in a store View.
func (d *DNS) connectEntries(r *state.Service, tasks []servicectl.LiveTask, defaultNS string) []connectEntry {
	sc := connectConfigOf(r)
	if !sc.Enabled {
		return nil
	}
	ns := connectNamespace(sc, defaultNS)
	out := d.ownEntries(r, sc, ns, tasks)
	if ns == "" {
		return out
	}
	region := ""
	if a, ok := ecs.ParseARN(r.Service.ServiceArn); ok {
		region = a.Region
	}
	prefix := state.Key(region, "")
	d.st.Services.Ascend(prefix, func(k string, o *state.Service) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if o.ClusterName == r.ClusterName || o.Service.Status != ecs.ServiceActive {
			return true
		}
		osc := connectConfigOf(o)
		if !osc.Enabled || len(osc.Services) == 0 {
			return true
		}
		odefault := ""
		if c, ok := d.st.Clusters.Get(state.Key(region, o.ClusterName)); ok && c.ServiceConnectDefaults != nil {
			odefault = ecs.Deref(c.ServiceConnectDefaults.Namespace)
		}
		if connectNamespace(osc, odefault) == ns {
			out = append(out, d.ownEntries(o, osc, ns, d.h.LiveTasks(k))...)
		}
		return true
	})
	return out
}

// connectNamespace is the namespace a configuration uses, as a table name: its own, else
// the cluster's default (an ARN stands for its id).
func connectNamespace(sc connectConfig, defaultNS string) string {
	ns := sc.Namespace
	if ns == "" {
		ns = defaultNS
	}
	return dnsName(state.NamespaceName(ns))
}

// ownEntries resolves the services[] entries of one service over its live tasks.
func (d *DNS) ownEntries(r *state.Service, sc connectConfig, ns string, tasks []servicectl.LiveTask) []connectEntry {
	var out []connectEntry
	for i, s := range sc.Services {
		ce := connectEntry{source: r.Service.ServiceArn + "#" + strconv.Itoa(i), discovery: dnsName(s.DiscoveryName), namespace: ns}
		if ce.discovery == "" {
			ce.discovery = dnsName(s.PortName)
		}
		if s.Timeout != nil {
			ce.idle, ce.request = s.Timeout.IdleTimeoutSeconds, s.Timeout.PerRequestTimeoutSeconds
		}
		for _, ca := range s.ClientAliases {
			name := dnsName(ca.DNSName)
			if name == "" && ce.discovery != "" {
				name = ce.discovery
				if ns != "" {
					name += "." + ns
				}
			}
			if name != "" && ca.Port > 0 && ca.Port <= 65535 {
				ce.aliases = append(ce.aliases, connectAlias{name: name, port: ca.Port})
			}
		}
		for _, lt := range tasks {
			port, proto, ok := d.namedPort(lt.TaskDef, s.PortName)
			if !ok {
				continue // a task of an older task definition without that port
			}
			ce.protocol = proto
			ce.endpoints = append(ce.endpoints, net.JoinHostPort(lt.IP, strconv.Itoa(port)))
		}
		out = append(out, ce)
	}
	return out
}

// namedPort finds the port mapping called name in a task definition: its container
// port and appProtocol.
func (d *DNS) namedPort(taskDefARN, name string) (port int, appProtocol string, ok bool) {
	td := d.h.DefByARN(taskDefARN)
	if td == nil {
		return 0, "", false
	}
	for _, cd := range td.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			if ecs.Deref(pm.Name) == name && pm.ContainerPort != nil {
				return *pm.ContainerPort, ecs.Deref(pm.AppProtocol), true
			}
		}
	}
	return 0, "", false
}

// addServiceConnect adds the entries' names and listeners to t. Every alias name gets
// an address of 127.255.0.0/16 and a listener on each of its ports there; an entry's
// discovery name, bare and qualified by the namespace, resolves to its first alias's
// address (an entry without aliases publishes nothing, as a client cannot reach it).
func addServiceConnect(t *discovery.Table, entries []connectEntry, logError func(string, error)) {
	var names []string
	for _, ce := range entries {
		for _, a := range ce.aliases {
			names = append(names, a.name)
		}
	}
	if len(names) == 0 {
		return
	}
	seen := map[string]bool{}
	entries = slices.DeleteFunc(slices.Clone(entries), func(ce connectEntry) bool {
		dup := seen[ce.source]
		seen[ce.source] = true
		return dup
	})
	addrs, err := serviceconnect.AssignAddrs(names)
	if err != nil {
		logError("service connect", err)
		return
	}
	byAddr := map[string]*serviceconnect.Listener{}
	for _, ce := range entries {
		if len(ce.aliases) == 0 {
			continue
		}
		first := addrs[ce.aliases[0].name].String()
		for _, n := range []string{ce.discovery, qualify(ce.discovery, ce.namespace)} {
			if n != "" {
				t.Records[n] = []string{first}
			}
		}
		for _, a := range ce.aliases {
			vip := addrs[a.name].String()
			t.Records[a.name] = []string{vip}
			addr := net.JoinHostPort(vip, strconv.Itoa(a.port))
			l, ok := byAddr[addr]
			if !ok {
				l = &serviceconnect.Listener{Name: a.name, Addr: addr, AppProtocol: ce.protocol, Endpoints: []string{},
					IdleTimeoutSeconds: ce.idle, PerRequestTimeoutSeconds: ce.request}
				byAddr[addr] = l
			}
			l.Endpoints = append(l.Endpoints, ce.endpoints...)
		}
	}
	for _, addr := range slices.Sorted(maps.Keys(byAddr)) {
		l := byAddr[addr]
		slices.Sort(l.Endpoints)
		l.Endpoints = slices.Compact(l.Endpoints)
		t.Proxies = append(t.Proxies, *l)
	}
}

// qualify is name.namespace, or "" without a namespace.
func qualify(name, namespace string) string {
	if name == "" || namespace == "" {
		return ""
	}
	return name + "." + namespace
}
