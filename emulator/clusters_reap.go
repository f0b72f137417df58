package emulator

import (
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"time"

	"github.com/ecsmini/ecsmini/emulator/store"
)

// ClusterTTL is how long a deleted (INACTIVE) cluster stays in ListClusters and
// DescribeClusters. ECS keeps INACTIVE clusters "discoverable for a period of time"
// without saying how long; ecsmini keeps them an hour of emulator time, as it keeps
// INACTIVE services and deregistered container instances.
const ClusterTTL = time.Hour

// reapClusters forgets the INACTIVE clusters deleted at least ttl before now.
func (e *Emulator) reapClusters(now time.Time, ttl time.Duration) error {
	var due []string
	e.store.View(func() {
		e.st.ClusterGone.Ascend("", func(k string, at *time.Time) bool {
			if now.Sub(*at) >= ttl {
				due = append(due, k)
			}
			return true
		})
	})
	if len(due) == 0 {
		return nil
	}
	return e.store.Update(func(tx *store.Tx) error {
		for _, k := range due {
			e.st.ClusterGone.Delete(tx, k)
			if c, ok := e.clusters.Get(k); ok && c.Status == ecs.ClusterInactive {
				e.clusters.Delete(tx, k)
			}
		}
		return nil
	})
}
