package emulator

import (
	"encoding/json"

	"github.com/ecsmini/ecsmini/emulator/discovery"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// What tasks find each other by (discovery tables, Cloud Map registry names, Service
// Connect) lives in package svcdns.

// Table: see svcdns.DNS.Table.
func (e *Emulator) Table(clusterARN string) discovery.Table { return e.dns.Table(clusterARN) }

// MapRegistry: see svcdns.DNS.MapRegistry.
func (e *Emulator) MapRegistry(arn, name string) error { return e.dns.MapRegistry(arn, name) }

// RegistryMappings: see svcdns.DNS.RegistryMappings.
func (e *Emulator) RegistryMappings() map[string]string { return e.dns.RegistryMappings() }

// RegistryName: see svcdns.DNS.RegistryName.
func (e *Emulator) RegistryName(arn, serviceName, defaultNS string) string {
	return e.dns.RegistryName(arn, serviceName, defaultNS)
}

// checkServiceConnect: see svcdns.DNS.CheckServiceConnect.
func (e *Emulator) checkServiceConnect(raw json.RawMessage, taskDefARN string, cluster *ecs.Cluster) error {
	return e.dns.CheckServiceConnect(raw, taskDefARN, cluster)
}
