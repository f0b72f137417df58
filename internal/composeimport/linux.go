package composeimport

import (
	"fmt"
	"strings"

	"github.com/docker/go-units"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// linux maps the kernel-level keys to linuxParameters and friends. Fargate rejects
// several of them (added capabilities other than SYS_PTRACE, tmpfs, shm_size,
// privileged); there they are warned about, and tmpfs mounts become task volumes
// (writable, empty at start, gone with the task, as tmpfs is).
func (c *serviceConverter) linux() {
	s := c.s
	lp := &ecs.LinuxParameters{}
	if s.Init != nil && *s.Init {
		lp.InitProcessEnabled = ecs.Ptr(true)
	}
	caps := &ecs.KernelCapabilities{}
	for _, cp := range s.CapAdd {
		cp = strings.TrimPrefix(strings.ToUpper(cp), "CAP_")
		if c.fargate && cp != "SYS_PTRACE" {
			c.warn("cap_add", "Fargate adds no capability but SYS_PTRACE; %s ignored", cp)
			continue
		}
		caps.Add = append(caps.Add, cp)
	}
	for _, cp := range s.CapDrop {
		caps.Drop = append(caps.Drop, strings.TrimPrefix(strings.ToUpper(cp), "CAP_"))
	}
	if len(caps.Add)+len(caps.Drop) > 0 {
		lp.Capabilities = caps
	}
	if s.ShmSize != 0 {
		if c.fargate {
			c.warn("shm_size", "Fargate has no sharedMemorySize; ignored")
		} else {
			lp.SharedMemorySize = ecs.Ptr(mebibytes(int64(s.ShmSize)))
		}
	}
	for i, t := range s.Tmpfs {
		path, opts, _ := strings.Cut(t, ":")
		if c.fargate {
			c.warn("tmpfs", "Fargate has no tmpfs; %s is a task volume instead", path)
			c.taskVolume(fmt.Sprintf("tmpfs-%d", i), path, false)
			continue
		}
		lp.Tmpfs = append(lp.Tmpfs, tmpfsMount(path, opts))
	}
	if s.Privileged {
		if c.fargate {
			c.warn("privileged", "Fargate does not run privileged containers; ignored")
		} else {
			c.cd.Privileged = ecs.Ptr(true)
		}
	}
	if lp.InitProcessEnabled != nil || lp.Capabilities != nil || lp.SharedMemorySize != nil || len(lp.Tmpfs) > 0 {
		c.cd.LinuxParameters = lp
	}
}

// tmpfsMount is a tmpfs entry ("/run:size=64m,mode=1777"); ECS needs a size in MiB,
// 64 unless given.
func tmpfsMount(path, opts string) ecs.Tmpfs {
	t := ecs.Tmpfs{ContainerPath: path, Size: 64}
	for _, o := range strings.Split(opts, ",") {
		if v, ok := strings.CutPrefix(o, "size="); ok {
			if n, err := units.RAMInBytes(v); err == nil {
				t.Size = max(1, mebibytes(n))
			}
			continue
		}
		if o != "" {
			t.MountOptions = append(t.MountOptions, o)
		}
	}
	return t
}
