// Package svcdns is what the tasks of a cluster find each other by: the discovery table
// every awsvpc task, and every bridge task with Service Connect, polls (service names,
// Cloud Map registry names with their SRV records, Service Connect aliases and
// proxies), the registry names set with MapRegistry, and the check of a service's
// serviceConnectConfiguration.
//
// It reads the state and the service reconciler's live tasks (Host); it owns the
// registries table and the table cache.
package svcdns

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Host is what svcdns needs of the service reconciler. LiveTasks and DefByARN are
// called in a store View.
type Host interface {
	LiveTasks(serviceKey string) []servicectl.LiveTask
	DefByARN(arn string) *ecs.TaskDefinition
	Indexed() bool
}

// DNS holds the registries table and the discovery tables built from the state.
type DNS struct {
	st *state.State
	h  Host

	registries *store.Table[registryName] // the Cloud Map services' names (registry.go)
	tables     tableCache                 // the discovery tables (table.go)
}

// New makes the registries table on st's store; call it before the state is loaded.
func New(st *state.State, h Host) *DNS {
	return &DNS{st: st, h: h, registries: store.NewTable[registryName](st.Store, "discoveryRegistries")}
}
