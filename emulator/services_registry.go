package emulator

import (
	"fmt"
	"maps"
	"strings"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// registryNames maps Cloud Map service (registry) ARNs to the DNS names their tasks
// answer to. ecsmini has no Cloud Map: the names are configuration (`up
// --discovery-map`, `ecsmini discovery map`), with a naming rule for the others (see
// RegistryName).
type registryNames struct {
	mu sync.Mutex
	m  map[string]string
}

// MapRegistry makes the tasks registered in the Cloud Map service arn answer to name
// (NAME.NAMESPACE, e.g. api.demo.local); an empty name removes the mapping.
func (e *Emulator) MapRegistry(arn, name string) error {
	a, ok := ecs.ParseARN(arn)
	if !ok || a.Service != "servicediscovery" || !strings.HasPrefix(a.Resource, "service/") {
		return fmt.Errorf("%q is not a Cloud Map service ARN (arn:aws:servicediscovery:REGION:ACCOUNT:service/ID)", arn)
	}
	name = dnsName(name)
	if name != "" && !validDNSName(name) {
		return fmt.Errorf("%q is not a DNS name (labels of letters, digits and hyphens, up to 63 characters each)", name)
	}
	r := &e.registries
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "" {
		delete(r.m, arn)
		return nil
	}
	if r.m == nil {
		r.m = map[string]string{}
	}
	r.m[arn] = name
	return nil
}

// RegistryMappings returns the registry ARN → name mappings set with MapRegistry.
func (e *Emulator) RegistryMappings() map[string]string {
	r := &e.registries
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.m)
}

// RegistryName is the name the tasks of a service registered in the Cloud Map service
// arn answer to:
//
//  1. the name MapRegistry gave arn;
//  2. else the ARN's id when it is a dotted DNS name: service/api.demo.local is
//     api.demo.local;
//  3. else the ECS service's name, qualified by defaultNS (the cluster's Service
//     Connect default namespace) when there is one.
func (e *Emulator) RegistryName(arn, serviceName, defaultNS string) string {
	r := &e.registries
	r.mu.Lock()
	name, ok := r.m[arn]
	r.mu.Unlock()
	if ok {
		return name
	}
	if a, ok := ecs.ParseARN(arn); ok {
		if id, ok := strings.CutPrefix(a.Resource, "service/"); ok && strings.Contains(id, ".") && validDNSName(dnsName(id)) {
			return dnsName(id)
		}
	}
	name = dnsName(serviceName)
	if ns := dnsName(namespaceName(defaultNS)); ns != "" {
		name += "." + ns
	}
	return name
}

// addRegistries adds the names of r's serviceRegistries to t: NAME → the tasks'
// addresses and, for a registry with a port (port, else containerPort), NAME → SRV
// records whose targets TASKID.NAME resolve to each task, as Cloud Map's DNS answers.
func (e *Emulator) addRegistries(t *discovery.Table, r *serviceRecord, tasks []liveTask, defaultNS string) {
	for _, reg := range r.Service.ServiceRegistries {
		if reg.RegistryArn == "" {
			continue
		}
		name := e.RegistryName(reg.RegistryArn, r.Service.ServiceName, defaultNS)
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
			t.Records[name] = append(t.Records[name], lt.ip)
			if port > 0 {
				target := dnsName(lt.id) + "." + name
				t.Records[target] = []string{lt.ip}
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
