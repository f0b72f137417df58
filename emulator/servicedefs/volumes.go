package servicedefs

import (
	"encoding/json"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A service's volumeConfigurations configure, at launch, the task definition volumes
// marked configuredAtLaunch: today only Amazon ECS-managed EBS volumes. ecsmini keeps
// them as the client sent them, on the service's deployment (where DescribeServices
// shows them, as ECS does), and a change starts a new deployment. Tasks do not get an EBS
// volume attached locally yet: the agent treats a configuredAtLaunch volume as an empty
// task-scoped volume (emulator/agent/volumes.go).

// serviceVolumeConfig is the part of a ServiceVolumeConfiguration ecsmini checks.
type serviceVolumeConfig struct {
	Name             string `json:"name"`
	ManagedEBSVolume *struct {
		RoleArn string `json:"roleArn"`
	} `json:"managedEBSVolume"`
}

// VolumeConfigurations checks raw against the task definition td: every
// configuration names a configuredAtLaunch volume of td and has a managedEBSVolume with a
// roleArn.
func VolumeConfigurations(td *ecs.TaskDefinition, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var vcs []serviceVolumeConfig
	if err := json.Unmarshal(raw, &vcs); err != nil {
		return &ecs.Error{Code: ecs.CodeSerialization, Message: "volumeConfigurations must be a list of volume configurations: " + err.Error()}
	}
	if len(vcs) > 1 {
		return ecs.InvalidParameter("volumeConfigurations can have at most 1 item.")
	}
	for _, vc := range vcs {
		switch {
		case vc.Name == "":
			return ecs.InvalidParameter("volumeConfigurations.name can not be blank.")
		case vc.ManagedEBSVolume == nil:
			return ecs.InvalidParameter("The volume configuration %s must have a managedEBSVolume.", vc.Name)
		case vc.ManagedEBSVolume.RoleArn == "":
			return ecs.InvalidParameter("managedEBSVolume.roleArn can not be blank.")
		case !configuredAtLaunch(td, vc.Name):
			return ecs.InvalidParameter("The task definition %s has no volume named %s with configuredAtLaunch set to true.", td.TaskDefinitionArn, vc.Name)
		}
	}
	return nil
}

func configuredAtLaunch(td *ecs.TaskDefinition, name string) bool {
	for _, v := range td.Volumes {
		if ecs.Deref(v.Name) == name && ecs.Deref(v.ConfiguredAtLaunch) {
			return true
		}
	}
	return false
}

// NoVolumes reads an empty list or null as no volume configurations (nil).
func NoVolumes(raw json.RawMessage) json.RawMessage {
	var vs []json.RawMessage
	if json.Unmarshal(raw, &vs) == nil && len(vs) == 0 {
		return nil
	}
	return raw
}
