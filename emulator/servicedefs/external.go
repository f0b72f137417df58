// Package servicedefs holds the pure checks and normalisations of a service's
// definition as CreateService and UpdateService receive it: names, counts, the
// deployment controller and configuration, placement, what an EXTERNAL service cannot
// have, the classic load balancer role, the volumes configured at launch. They read
// only the request (and the task definition), never the state.
package servicedefs

import (
	"bytes"
	"encoding/json"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// rawSet says whether an optional JSON member (serviceConnectConfiguration) was given.
func rawSet(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}

// ExternalService refuses what an EXTERNAL service cannot have (ECS Anywhere page:
// no load balancing, no service discovery, no Service Connect).
func ExternalService(in *ecs.CreateServiceInput) error {
	return externalRefusal(in.LaunchType, len(in.LoadBalancers), len(in.ServiceRegistries), rawSet(in.ServiceConnectConfiguration))
}

// ExternalUpdate applies the same rules to what an update of a service of launch
// type launch adds.
func ExternalUpdate(launch string, in *ecs.UpdateServiceInput) error {
	return externalRefusal(launch, len(in.LoadBalancers), len(in.ServiceRegistries), rawSet(in.ServiceConnectConfiguration))
}

func externalRefusal(launch string, lbs, registries int, serviceConnect bool) error {
	if launch != ecs.LaunchExternal {
		return nil
	}
	switch {
	case lbs > 0:
		return ecs.InvalidParameter("Load balancers are not supported for services with the EXTERNAL launch type.")
	case registries > 0:
		return ecs.InvalidParameter("Service discovery is not supported for services with the EXTERNAL launch type.")
	case serviceConnect:
		return ecs.InvalidParameter("Service Connect is not supported for services with the EXTERNAL launch type.")
	}
	return nil
}
