package agent

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Volume scopes of dockerVolumeConfiguration.
const (
	scopeTask   = "task"
	scopeShared = "shared"
)

// volumePlan is what a task's volumes need before its first container starts, and at
// its end.
type volumePlan struct {
	// mounts are the task's volumes by name, as ContainerSpec mounts them.
	mounts map[string]TaskVolume
	// ensure are created unless they exist; remove are the task-scoped ones among them,
	// removed when the task is deprovisioned.
	ensure []containers.VolumeSpec
	remove []string
	// require must exist already (shared, autoprovision false).
	require []string
}

// planVolumes maps a task definition's volumes onto runtime volumes, as the ECS agent
// maps them onto Docker:
//
//   - host.sourcePath: a bind mount of that host path (EC2 and EXTERNAL only;
//     registration rejects it on Fargate).
//   - dockerVolumeConfiguration, scope task (the default): a volume of the task, named
//     like its containers (see DockerName), created with the driver, options and labels
//     given and removed when the task stops.
//   - dockerVolumeConfiguration, scope shared: the named volume itself, kept across
//     tasks; with autoprovision it is created when absent, without it must exist.
//   - efsVolumeConfiguration: a local stand-in kept across tasks, one per file system
//     (named ecsmini-efs-<fileSystemId>; rootDirectory and the rest are ignored), so
//     that, as on EFS, what one task writes the next one reads.
//   - a volume with no source that the task's LocalBinds name (a compose bind mount on
//     Fargate): a bind mount of that host path, on this machine only.
//   - anything else (no host path, a Fargate bind mount, configuredAtLaunch EBS, FSx):
//     a task-scoped volume shared by the task's containers and removed with the task,
//     as ECS ties such a volume to the task's lifecycle.
//
// Volumes ecsmini creates carry TaskLabels (task-scoped) or LabelManaged and
// LabelStateDir (shared), so leftovers are found by label.
func planVolumes(t TaskInfo, vols []ecs.Volume) (volumePlan, error) {
	p := volumePlan{mounts: make(map[string]TaskVolume, len(vols))}
	taskScoped := func(name string, driver string, opts, labels map[string]string) {
		dn := DockerName(t, name)
		l := userLabels(labels)
		maps.Copy(l, TaskLabels(t))
		p.ensure = append(p.ensure, containers.VolumeSpec{Name: dn, Driver: driver, DriverOpts: maps.Clone(opts), Labels: l})
		p.remove = append(p.remove, dn)
		p.mounts[name] = TaskVolume{Type: "volume", Source: dn}
	}
	shared := func(name, volume, driver string, opts, labels map[string]string) {
		l := userLabels(labels)
		l[LabelManaged] = ManagedValue
		if t.StateDir != "" {
			l[LabelStateDir] = t.StateDir
		}
		p.ensure = append(p.ensure, containers.VolumeSpec{Name: volume, Driver: driver, DriverOpts: maps.Clone(opts), Labels: l})
		p.mounts[name] = TaskVolume{Type: "volume", Source: volume}
	}
	for _, v := range vols {
		name := ecs.Deref(v.Name)
		if name == "" {
			return volumePlan{}, errors.New("a task volume has no name")
		}
		if _, dup := p.mounts[name]; dup {
			return volumePlan{}, fmt.Errorf("volume %q is defined twice", name)
		}
		switch {
		case v.Host != nil && ecs.Deref(v.Host.SourcePath) != "":
			src := *v.Host.SourcePath
			if t.LaunchType == ecs.LaunchFargate {
				return volumePlan{}, fmt.Errorf("volume %q: host.sourcePath is not supported on Fargate", name)
			}
			if !filepath.IsAbs(src) {
				return volumePlan{}, fmt.Errorf("volume %q: host.sourcePath %q is not an absolute path", name, src)
			}
			p.mounts[name] = TaskVolume{Type: "bind", Source: src}
		case v.DockerVolumeConfiguration != nil:
			dvc := v.DockerVolumeConfiguration
			switch scope := ecs.Deref(dvc.Scope); scope {
			case "", scopeTask:
				if ecs.Deref(dvc.Autoprovision) {
					return volumePlan{}, fmt.Errorf("volume %q: autoprovision is only valid for shared volumes", name)
				}
				taskScoped(name, ecs.Deref(dvc.Driver), dvc.DriverOpts, dvc.Labels)
			case scopeShared:
				if ecs.Deref(dvc.Autoprovision) {
					shared(name, name, ecs.Deref(dvc.Driver), dvc.DriverOpts, dvc.Labels)
				} else {
					p.require = append(p.require, name)
					p.mounts[name] = TaskVolume{Type: "volume", Source: name}
				}
			default:
				return volumePlan{}, fmt.Errorf("volume %q: scope %q is not task or shared", name, scope)
			}
		case v.EfsVolumeConfiguration != nil && v.EfsVolumeConfiguration.FileSystemID != "":
			shared(name, volumeName("ecsmini-efs-"+v.EfsVolumeConfiguration.FileSystemID), "", nil, nil)
		case v.Host == nil && v.ConfiguredAtLaunch == nil && v.FsxWindowsFileServerVolumeConfiguration == nil &&
			v.S3filesVolumeConfiguration == nil && t.LocalBinds[name] != "":
			src := t.LocalBinds[name]
			if !filepath.IsAbs(src) {
				return volumePlan{}, fmt.Errorf("volume %q: the local bind %q (tag %s%s) is not an absolute path", name, src, LocalBindTagPrefix, name)
			}
			p.mounts[name] = TaskVolume{Type: "bind", Source: src}
		default:
			taskScoped(name, "", nil, nil)
		}
	}
	return p, nil
}

// userLabels are the labels a volume definition asks for, less the reserved ecsmini.*
// namespace (see ContainerLabels).
func userLabels(labels map[string]string) map[string]string {
	out := make(map[string]string, len(labels)+8)
	for k, v := range labels {
		if !strings.HasPrefix(k, ecsminiLabelPrefix) {
			out[k] = v
		}
	}
	return out
}

// volumeName replaces the characters Docker rejects in volume names with '-'.
func volumeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(dockerNameValidChars, r) {
			return r
		}
		return '-'
	}, s)
}

// msgVolumeMissing is the ECS agent's words for a shared volume that does not exist
// when autoprovision is false.
const msgVolumeMissing = "initialize volume: volume detection failed, volume '%s' does not exist and autoprovision is set to false: %w"

// prepareVolumes creates the task's volumes before its first container starts and
// records the mounts for ContainerSpec. Task-scoped volumes are recorded for removal
// before they are created, so a task that fails half-way leaves none behind.
func (r *runner) prepareVolumes(ctx context.Context, td *ecs.TaskDefinition) error {
	p, err := planVolumes(r.info, td.Volumes)
	if err != nil {
		return fmt.Errorf("CannotCreateVolumeError: %w", err)
	}
	rt := r.a.cfg.Runtime
	for _, name := range p.require {
		if _, err := rt.InspectVolume(ctx, name); err != nil {
			return fmt.Errorf("CannotCreateVolumeError: "+msgVolumeMissing, name, err)
		}
	}
	scoped := map[string]bool{}
	for _, n := range p.remove {
		scoped[n] = true
	}
	for _, spec := range p.ensure {
		if scoped[spec.Name] {
			r.taskVolumes = append(r.taskVolumes, spec.Name)
		}
		if err := rt.EnsureVolume(ctx, spec); err != nil {
			return fmt.Errorf("CannotCreateVolumeError: volume %s: %w", spec.Name, err)
		}
	}
	r.volumes = p.mounts
	return nil
}

// removeVolumes removes the task-scoped volumes, after the task's containers. A runner
// that never prepared (it adopted a task a previous ecsmini started) works their names
// out from the definition: they depend only on the task.
func (r *runner) removeVolumes(ctx context.Context) {
	if !r.prepared {
		if _, td, err := r.a.cfg.Store.Task(r.arn); err == nil {
			if p, err := planVolumes(r.info, td.Volumes); err == nil {
				r.taskVolumes = p.remove
			}
		}
	}
	for _, name := range r.taskVolumes {
		if err := r.a.cfg.Runtime.RemoveVolume(ctx, name); err != nil {
			r.a.cfg.Log.Error("remove task volume", "task", r.arn, "volume", name, "err", err)
		}
	}
	r.taskVolumes = nil
}
