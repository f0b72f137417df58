package svcdns

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// registryName is a row of the registries table: the DNS name the tasks registered in
// a Cloud Map service (keyed by its ARN) answer to. ecsmini has no Cloud Map: the names
// are configuration (`up --discovery-map`, `ecsmini discovery map`), kept in the state
// like the rest, with a naming rule for the others (see RegistryName).
type registryName struct {
	Name string `json:"name"`
}

// MapRegistry makes the tasks registered in the Cloud Map service arn answer to name
// (NAME.NAMESPACE, e.g. api.demo.local); an empty name removes the mapping.
func (d *DNS) MapRegistry(arn, name string) error {
	a, ok := ecs.ParseARN(arn)
	if !ok || a.Service != "servicediscovery" || !strings.HasPrefix(a.Resource, "service/") {
		return fmt.Errorf("%q is not a Cloud Map service ARN (arn:aws:servicediscovery:REGION:ACCOUNT:service/ID)", arn)
	}
	name = dnsName(name)
	if name != "" && !validDNSName(name) {
		return fmt.Errorf("%q is not a DNS name (labels of letters, digits and hyphens, up to 63 characters each)", name)
	}
	return d.st.Store.Update(func(tx *store.Tx) error {
		if name == "" {
			d.registries.Delete(tx, arn)
		} else {
			d.registries.Put(tx, arn, &registryName{Name: name})
		}
		return nil
	})
}

// RegistryMappings returns the registry ARN → name mappings set with MapRegistry.
func (d *DNS) RegistryMappings() map[string]string {
	out := map[string]string{}
	d.st.Store.View(func() {
		d.registries.Ascend("", func(k string, v *registryName) bool {
			out[k] = v.Name
			return true
		})
	})
	return out
}

// RegistryName is the name the tasks of a service registered in the Cloud Map service
// arn answer to:
//
//  1. the name MapRegistry gave arn;
//  2. else the ARN's id when it is a dotted DNS name: service/api.demo.local is
//     api.demo.local;
//  3. else the ECS service's name, qualified by defaultNS (the cluster's Service
//     Connect default namespace) when there is one.
func (d *DNS) RegistryName(arn, serviceName, defaultNS string) string {
	var name string
	d.st.Store.View(func() { name = d.registryName(arn, serviceName, defaultNS) })
	return name
}

// registryName is RegistryName in a store View.
func (d *DNS) registryName(arn, serviceName, defaultNS string) string {
	if r, ok := d.registries.Get(arn); ok {
		return r.Name
	}
	if a, ok := ecs.ParseARN(arn); ok {
		if id, ok := strings.CutPrefix(a.Resource, "service/"); ok && strings.Contains(id, ".") && validDNSName(dnsName(id)) {
			return dnsName(id)
		}
	}
	name := dnsName(serviceName)
	if ns := dnsName(state.NamespaceName(defaultNS)); ns != "" {
		name += "." + ns
	}
	return name
}

// addRegistries (in a store View) adds the names of r's serviceRegistries to t: NAME → the tasks'
// addresses and, for a registry with a port (port, else containerPort), NAME → SRV
// records whose targets TASKID.NAME resolve to each task, as Cloud Map's DNS answers.
func (d *DNS) addRegistries(t *discovery.Table, r *state.Service, tasks []servicectl.LiveTask, defaultNS string) {
	for _, reg := range r.Service.ServiceRegistries {
		if reg.RegistryArn == "" {
			continue
		}
		name := d.registryName(reg.RegistryArn, r.Service.ServiceName, defaultNS)
		if name == "" {
			continue
		}
		if t.Records[name] == nil {
			t.Records[name] = []string{}
		}
		port := ecs.Deref(reg.Port)
		if port == 0 {
			port = ecs.Deref(reg.ContainerPort)
		}
		for _, lt := range tasks {
			t.Records[name] = append(t.Records[name], lt.IP)
			if port > 0 {
				target := dnsName(lt.ID) + "." + name
				t.Records[target] = []string{lt.IP}
				t.SRV[name] = append(t.SRV[name], discovery.SRV{Target: target, Port: port})
			}
		}
	}
}

// validDNSName tells a lower-case name of LDH labels (RFC 1123), at most 253 long.
func validDNSName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' && c != '_' {
				return false
			}
		}
	}
	return true
}
