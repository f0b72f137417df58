package svcdns

import (
	"encoding/json"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// CheckServiceConnect refuses a serviceConnectConfiguration that cannot work with the
// deployment's task definition: no namespace (given or the cluster's default), the host
// network mode (spec §5.13: Service Connect supports bridge and awsvpc), a portName
// that names no port mapping, an alias without a valid port. ECS does not document its
// wording for these; the messages are ecsmini's.
func (d *DNS) CheckServiceConnect(raw json.RawMessage, taskDefARN string, cluster *ecs.Cluster) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var c connectConfig
	if err := json.Unmarshal(raw, &c); err != nil {
		return ecs.InvalidParameter("serviceConnectConfiguration is not valid: %v", err)
	}
	if !c.Enabled {
		return nil
	}
	if c.Namespace == "" && (cluster.ServiceConnectDefaults == nil || ecs.Deref(cluster.ServiceConnectDefaults.Namespace) == "") {
		return ecs.InvalidParameter("Service Connect needs a namespace: set serviceConnectConfiguration.namespace, or the cluster's serviceConnectDefaults.")
	}
	td := d.h.DefByARN(taskDefARN)
	if td == nil {
		return nil // newDeployment has resolved it; a vanished revision is not this check's concern
	}
	if ecs.Deref(td.NetworkMode) == ecs.NetworkHost {
		return ecs.InvalidParameter("Service Connect does not support the host network mode; use awsvpc or bridge.")
	}
	for _, s := range c.Services {
		if s.PortName == "" {
			return ecs.InvalidParameter("serviceConnectConfiguration.services[].portName is required.")
		}
		if !hasPortName(td, s.PortName) {
			return ecs.InvalidParameter("The Service Connect portName '%s' matches no portMappings name in task definition %s.", s.PortName, taskDefARN)
		}
		for _, ca := range s.ClientAliases {
			if ca.Port < 1 || ca.Port > 65535 {
				return ecs.InvalidParameter("serviceConnectConfiguration client alias port %d is not between 1 and 65535.", ca.Port)
			}
		}
	}
	return nil
}

func hasPortName(td *ecs.TaskDefinition, name string) bool {
	for _, cd := range td.ContainerDefinitions {
		for _, pm := range cd.PortMappings {
			if ecs.Deref(pm.Name) == name {
				return true
			}
		}
	}
	return false
}
