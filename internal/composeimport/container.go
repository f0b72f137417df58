package composeimport

import (
	"sort"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// image sets the container's image: the compose image, or for a build the tag the
// built image gets (the image name if given, else <project>-<service>, as compose
// names it).
func (c *serviceConverter) image() {
	img := c.s.Image
	if b := c.s.Build; b != nil {
		if img == "" {
			img = strings.ToLower(c.p.Name + "-" + c.s.Name)
		}
		if !strings.Contains(lastSegment(img), ":") {
			img += ":latest"
		}
		c.out.Build = &Build{Context: b.Context, Dockerfile: b.Dockerfile, Target: b.Target, Tag: img}
		for _, k := range sortedKeys(b.Args) {
			if v := b.Args[k]; v != nil {
				if c.out.Build.Args == nil {
					c.out.Build.Args = map[string]string{}
				}
				c.out.Build.Args[k] = *v
			}
		}
		c.buildWarnings()
	}
	c.cd.Image = ecs.Ptr(img)
}

func lastSegment(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

func (c *serviceConverter) buildWarnings() {
	b := c.s.Build
	unsupported := map[string]bool{
		"dockerfile_inline": b.DockerfileInline != "", "ssh": len(b.SSH) > 0, "cache_from": len(b.CacheFrom) > 0,
		"cache_to": len(b.CacheTo) > 0, "additional_contexts": len(b.AdditionalContexts) > 0,
		"secrets": len(b.Secrets) > 0, "platforms": len(b.Platforms) > 0, "tags": len(b.Tags) > 0,
		"extra_hosts": len(b.ExtraHosts) > 0, "network": b.Network != "", "shm_size": b.ShmSize != 0,
		"ulimits": len(b.Ulimits) > 0, "entitlements": len(b.Entitlements) > 0, "privileged": b.Privileged,
		"no_cache": b.NoCache, "pull": b.Pull, "labels": len(b.Labels) > 0, "isolation": b.Isolation != "",
	}
	for _, k := range sortedKeys(unsupported) {
		if unsupported[k] {
			c.warn("build."+k, "not supported by ecsmini's image build; ignored")
		}
	}
}

// process sets what the container runs and as whom.
func (c *serviceConverter) process() {
	s := c.s
	if s.Entrypoint != nil {
		c.cd.EntryPoint = []string(s.Entrypoint)
	}
	if s.Command != nil {
		c.cd.Command = []string(s.Command)
	}
	if s.User != "" {
		c.cd.User = ecs.Ptr(s.User)
	}
	if s.WorkingDir != "" {
		c.cd.WorkingDirectory = ecs.Ptr(s.WorkingDir)
	}
	if s.ReadOnly {
		c.cd.ReadonlyRootFilesystem = ecs.Ptr(true)
	}
	if s.Tty {
		c.cd.PseudoTerminal = ecs.Ptr(true)
	}
	if s.StdinOpen {
		c.cd.Interactive = ecs.Ptr(true)
	}
	if len(s.Labels) > 0 {
		c.cd.DockerLabels = map[string]string(s.Labels)
	}
	if s.StopGracePeriod != nil {
		secs := int(time.Duration(*s.StopGracePeriod).Round(time.Second) / time.Second)
		if c.fargate && secs > 120 {
			c.warn("stop_grace_period", "%ds is more than Fargate's 120 s stopTimeout; using 120", secs)
			secs = 120
		}
		c.cd.StopTimeout = ecs.Ptr(secs)
	}
	if s.StopSignal != "" && s.StopSignal != "SIGTERM" {
		c.warn("stop_signal", "ECS always sends SIGTERM first; set STOPSIGNAL %s in the image instead", s.StopSignal)
	}
	for _, k := range sortedKeys(s.Sysctls) {
		c.cd.SystemControls = append(c.cd.SystemControls, ecs.SystemControl{Namespace: ecs.Ptr(k), Value: ecs.Ptr(s.Sysctls[k])})
	}
	for _, name := range sortedKeys(s.Ulimits) {
		u := s.Ulimits[name]
		soft, hard := u.Soft, u.Hard
		if u.Single != 0 {
			soft, hard = u.Single, u.Single
		}
		c.cd.Ulimits = append(c.cd.Ulimits, ecs.Ulimit{Name: name, SoftLimit: soft, HardLimit: hard})
	}
}

// environment copies environment (env_file values are already merged into it by
// compose-go), sorted by name.
func (c *serviceConverter) environment() {
	env := c.s.Environment
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	c.cd.Environment = []ecs.KeyValuePair{}
	for _, k := range names {
		v := env[k]
		if v == nil {
			c.warn("environment."+k, "has no value (unset in the environment); left out")
			continue
		}
		c.cd.Environment = append(c.cd.Environment, ecs.KeyValuePair{Name: ecs.Ptr(k), Value: ecs.Ptr(*v)})
	}
}
