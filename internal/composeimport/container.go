package composeimport

import (
	"slices"
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
		c.buildOptions()
	}
	c.cd.Image = ecs.Ptr(img)
}

func lastSegment(s string) string {
	return s[strings.LastIndex(s, "/")+1:]
}

// buildOptions carries over what BuildKit takes from compose's build: labels,
// secrets (from the project's file or environment secrets), ssh, cache, no_cache,
// extra_hosts and shm_size; the rest is warned about.
func (c *serviceConverter) buildOptions() {
	b, out := c.s.Build, c.out.Build
	if len(b.Labels) > 0 {
		out.Labels = map[string]string{}
		for k, v := range b.Labels {
			out.Labels[k] = v
		}
	}
	for _, ref := range b.Secrets {
		sc, ok := c.p.Secrets[ref.Source]
		switch {
		case !ok:
			c.warn("build.secrets", "secret %s is not defined at the top level; not passed", ref.Source)
		case sc.File != "":
			out.Secrets = append(out.Secrets, BuildSecret{ID: ref.Source, File: sc.File})
		case sc.Environment != "":
			out.Secrets = append(out.Secrets, BuildSecret{ID: ref.Source, Env: sc.Environment})
		default:
			c.warn("build.secrets", "secret %s has neither file nor environment; not passed", ref.Source)
		}
	}
	for _, k := range b.SSH {
		if k.Path == "" {
			out.SSH = append(out.SSH, k.ID)
		} else {
			out.SSH = append(out.SSH, k.ID+"="+k.Path)
		}
	}
	// compose-go hands the ssh list over in map order; sorted, a plan is the same each
	// time it is made (the order means nothing to BuildKit).
	slices.Sort(out.SSH)
	out.CacheFrom, out.CacheTo, out.NoCache = b.CacheFrom, b.CacheTo, b.NoCache
	for _, host := range sortedKeys(b.ExtraHosts) {
		for _, ip := range b.ExtraHosts[host] {
			out.ExtraHosts = append(out.ExtraHosts, host+":"+ip)
		}
	}
	out.ShmSize = int64(b.ShmSize)
	unsupported := map[string]bool{
		"dockerfile_inline": b.DockerfileInline != "", "additional_contexts": len(b.AdditionalContexts) > 0,
		"platforms": len(b.Platforms) > 0, "tags": len(b.Tags) > 0, "network": b.Network != "",
		"ulimits": len(b.Ulimits) > 0, "entitlements": len(b.Entitlements) > 0, "privileged": b.Privileged,
		"pull": b.Pull, "isolation": b.Isolation != "",
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
