package composeimport

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// volumes maps the service's volumes to task volumes and mount points:
//
//   - a named volume becomes an EFS volume, because EFS is what Fargate offers that, like
//     a compose volume, outlives tasks and is shared between services (ecsmini keeps it
//     as one local Docker volume per file system id). The id is the top-level volume's
//     x-ecs.fileSystemId, else one derived from the project and volume names.
//   - an anonymous volume becomes a task volume (empty at start, gone with the task).
//   - a bind mount is a host.sourcePath volume on EC2. Fargate has no host paths, so
//     there it becomes a task volume (what it is on AWS) with a warning, and ecsmini
//     binds the host path into it locally: a tag beside the task definition (and on
//     the service, which propagates it to its tasks) names the path, as
//     ecs.LocalBindTagPrefix+volume.
func (c *serviceConverter) volumes() error {
	for i, v := range c.s.Volumes {
		c.volumeOptionWarnings(v)
		switch v.Type {
		case types.VolumeTypeVolume:
			if v.Source == "" {
				c.taskVolume(fmt.Sprintf("anon-%d", i), v.Target, v.ReadOnly)
				continue
			}
			if err := c.namedVolume(v); err != nil {
				return err
			}
		case types.VolumeTypeBind:
			name := fmt.Sprintf("bind-%d", i)
			if c.fargate {
				c.fargateBind(name, v)
				continue
			}
			c.addVolume(ecs.Volume{Name: ecs.Ptr(name), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr(v.Source)}}, v.Target, v.ReadOnly)
		case types.VolumeTypeTmpfs:
			c.warn("volumes["+v.Target+"]", "a tmpfs volume is a task volume instead")
			c.taskVolume(fmt.Sprintf("tmpfs-v%d", i), v.Target, v.ReadOnly)
		default:
			c.warn("volumes["+v.Target+"]", "volume type %s is not supported; ignored", v.Type)
		}
	}
	return nil
}

// maxTagValue is ECS's limit on a tag value, which holds a local bind's path.
const maxTagValue = 256

// fargateBind maps a bind mount of a Fargate service: an empty task volume in the task
// definition (valid on Fargate), bound to the host path by ecsmini locally.
func (c *serviceConverter) fargateBind(name string, v types.ServiceVolumeConfig) {
	c.taskVolume(name, v.Target, v.ReadOnly)
	key := "volumes[" + v.Target + "]"
	if !filepath.IsAbs(v.Source) || len(v.Source) > maxTagValue {
		c.warn(key, "Fargate has no host paths, and ecsmini cannot bind %s locally (not an absolute path of at most %d characters); %s is an empty task volume", v.Source, maxTagValue, v.Target)
		return
	}
	if c.binds == nil {
		c.binds = map[string]string{}
	}
	c.binds[ecs.LocalBindTagPrefix+name] = v.Source
	c.warn(key, "Fargate has no host paths: on AWS %s is an empty task volume; ecsmini binds %s there locally (tag %s%s)", v.Target, v.Source, ecs.LocalBindTagPrefix, name)
}

// volumeOptionWarnings warns about a mount's options that ECS mount points lack.
func (c *serviceConverter) volumeOptionWarnings(v types.ServiceVolumeConfig) {
	key := "volumes[" + v.Target + "]"
	opts := map[string]bool{"consistency": v.Consistency != ""}
	if b := v.Bind; b != nil {
		opts["bind.selinux"] = b.SELinux != ""
		opts["bind.propagation"] = b.Propagation != "" && b.Propagation != "rprivate"
		opts["bind.recursive"] = b.Recursive != ""
	}
	if vv := v.Volume; vv != nil {
		opts["volume.nocopy"] = vv.NoCopy
		opts["volume.labels"] = len(vv.Labels) > 0
	}
	if t := v.Tmpfs; t != nil {
		opts["tmpfs.size"] = t.Size != 0
		opts["tmpfs.mode"] = t.Mode != 0
	}
	for _, k := range sortedKeys(opts) {
		if opts[k] {
			c.warn(key+"."+k, "ECS mount points have no such option; ignored")
		}
	}
}

// taskVolume adds a volume of the task itself, mounted at target.
func (c *serviceConverter) taskVolume(name, target string, readOnly bool) {
	c.addVolume(ecs.Volume{Name: ecs.Ptr(name)}, target, readOnly)
}

func (c *serviceConverter) addVolume(v ecs.Volume, target string, readOnly bool) {
	c.out.TaskDefinition.Volumes = append(c.out.TaskDefinition.Volumes, v)
	mp := ecs.MountPoint{SourceVolume: v.Name, ContainerPath: ecs.Ptr(target)}
	if readOnly {
		mp.ReadOnly = ecs.Ptr(true)
	}
	c.cd.MountPoints = append(c.cd.MountPoints, mp)
}

func (c *serviceConverter) namedVolume(v types.ServiceVolumeConfig) error {
	top := c.p.Volumes[v.Source]
	fsID := ""
	if x, ok := top.Extensions["x-ecs"].(map[string]any); ok {
		fsID, _ = x["fileSystemId"].(string)
	}
	if fsID == "" {
		sum := sha256.Sum256([]byte(c.p.Name + "/" + v.Source))
		fsID = "fs-" + hex.EncodeToString(sum[:])[:17]
	}
	if top.Driver != "" && top.Driver != "local" {
		c.warn("volumes["+v.Target+"]", "volume %s's driver %s is not used: it is an EFS volume", v.Source, top.Driver)
	}
	efs := &ecs.EFSVolumeConfiguration{FileSystemID: fsID}
	if v.Volume != nil && v.Volume.Subpath != "" {
		efs.RootDirectory = ecs.Ptr("/" + v.Volume.Subpath)
	}
	for _, vol := range c.out.TaskDefinition.Volumes {
		if ecs.Deref(vol.Name) == v.Source {
			mp := ecs.MountPoint{SourceVolume: ecs.Ptr(v.Source), ContainerPath: ecs.Ptr(v.Target)}
			if v.ReadOnly {
				mp.ReadOnly = ecs.Ptr(true)
			}
			c.cd.MountPoints = append(c.cd.MountPoints, mp)
			return nil
		}
	}
	c.addVolume(ecs.Volume{Name: ecs.Ptr(v.Source), EfsVolumeConfiguration: efs}, v.Target, v.ReadOnly)
	return nil
}

// secrets maps the service's secrets to ECS secrets: Secrets Manager secrets named
// <project>/<secret>, handed to the container as the environment variable named by
// the target (default: the secret's name). ECS has no /run/secrets files, so this is
// said once per secret. Configs have no ECS counterpart.
func (c *serviceConverter) secrets() {
	for _, s := range c.s.Secrets {
		// compose-go writes a short target as /run/secrets/<target>.
		name := strings.TrimPrefix(s.Target, "/run/secrets/")
		if name == "" || strings.Contains(name, "/") {
			name = s.Source
		}
		c.cd.Secrets = append(c.cd.Secrets, ecs.Secret{Name: name, ValueFrom: SecretArn(c.o, c.p.Name, s.Source)})
		if s.UID != "" || s.GID != "" || s.Mode != nil {
			c.warn("secrets."+s.Source+".uid/gid/mode", "an environment variable has no owner or mode; ignored")
		}
		c.warn("secrets."+s.Source, "ECS hands secrets over as environment variables: read $%s, not /run/secrets/%s", name, s.Source)
	}
	for _, cf := range c.s.Configs {
		c.warn("configs."+cf.Source, "ECS has no configs; bake the file into the image; ignored")
	}
}

// SecretArn is the Secrets Manager ARN a compose secret becomes.
func SecretArn(o Options, project, secret string) string {
	o = o.withDefaults()
	return fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s/%s", o.Region, o.AccountID, project, secret)
}
