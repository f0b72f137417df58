package agent

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// setLinuxParameters maps ulimits and linuxParameters: initProcessEnabled is docker
// --init, capabilities --cap-add/--cap-drop, sharedMemorySize (MiB) --shm-size, and each
// tmpfs a tmpfs mount whose options are its mountOptions followed by size=<MiB>m.
func setLinuxParameters(in SpecInput, spec *containers.Spec) error {
	for _, u := range in.Container.Ulimits {
		spec.Ulimits = append(spec.Ulimits, containers.Ulimit{Name: u.Name, Soft: int64(u.SoftLimit), Hard: int64(u.HardLimit)})
	}
	lp := in.Container.LinuxParameters
	if lp == nil {
		return nil
	}
	spec.Init = ecs.Deref(lp.InitProcessEnabled)
	if c := lp.Capabilities; c != nil {
		spec.CapAdd, spec.CapDrop = slices.Clone(c.Add), slices.Clone(c.Drop)
	}
	shm := ecs.Deref(lp.SharedMemorySize)
	if shm < 0 {
		return fmt.Errorf("linuxParameters: sharedMemorySize %d is negative", shm)
	}
	spec.ShmSize = int64(shm) * mib
	for _, t := range lp.Tmpfs {
		switch {
		case t.ContainerPath == "":
			return errors.New("linuxParameters: a tmpfs has no containerPath")
		case t.Size <= 0:
			return fmt.Errorf("linuxParameters: tmpfs %s: size %d MiB must be positive", t.ContainerPath, t.Size)
		case spec.Tmpfs[t.ContainerPath] != "":
			return fmt.Errorf("linuxParameters: tmpfs %s is listed twice", t.ContainerPath)
		}
		if spec.Tmpfs == nil {
			spec.Tmpfs = map[string]string{}
		}
		opts := append(slices.Clone(t.MountOptions), "size="+strconv.Itoa(t.Size)+"m")
		spec.Tmpfs[t.ContainerPath] = strings.Join(opts, ",")
	}
	return nil
}

// setMounts maps mountPoints onto the task's resolved volumes and volumesFrom onto the
// runtime IDs of the task's other containers (":ro" when readOnly, Docker's syntax).
// Naming a volume or container the task does not have is an error, as ECS rejects it.
func setMounts(in SpecInput, spec *containers.Spec) error {
	for _, mp := range in.Container.MountPoints {
		name, path := ecs.Deref(mp.SourceVolume), ecs.Deref(mp.ContainerPath)
		v, ok := in.Volumes[name]
		switch {
		case !ok:
			return fmt.Errorf("mountPoints: the task has no volume %q", name)
		case path == "":
			return fmt.Errorf("mountPoints: volume %q has no containerPath", name)
		}
		spec.Mounts = append(spec.Mounts, containers.Mount{
			Type: v.Type, Source: v.Source, Target: path,
			ReadOnly: ecs.Deref(mp.ReadOnly), VolumeLabels: maps.Clone(v.Labels),
		})
	}
	self := ecs.Deref(in.Container.Name)
	for _, vf := range in.Container.VolumesFrom {
		src := ecs.Deref(vf.SourceContainer)
		id, ok := in.ContainerIDs[src]
		switch {
		case src == self:
			return errors.New("volumesFrom: a container cannot mount its own volumes")
		case !ok || id == "":
			return fmt.Errorf("volumesFrom: container %q is not a created container of the task", src)
		}
		if ecs.Deref(vf.ReadOnly) {
			id += ":ro"
		}
		spec.VolumesFrom = append(spec.VolumesFrom, id)
	}
	return nil
}
