package composeimport

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ProjectTag and ServiceTag are the tags every imported service and task definition
// carries, so that a re-import finds what an earlier one created (and what was
// removed from the file since).
const (
	ProjectTag = "ecsmini:compose-project"
	ServiceTag = "ecsmini:compose-service"
)

// serviceConverter converts one compose service, collecting its warnings.
type serviceConverter struct {
	p        *types.Project
	o        Options
	cluster  string
	s        types.ServiceConfig
	x        xECS
	fargate  bool // the service runs on Fargate (the default), so EC2-only fields go
	warnings []Warning
	notes    []Warning
	out      Service
	cd       ecs.ContainerDefinition
	binds    map[string]string // local bind tags of Fargate bind mounts (see fargateBind)
}

func newServiceConverter(p *types.Project, o Options, cluster string, s types.ServiceConfig) *serviceConverter {
	return &serviceConverter{p: p, o: o, cluster: cluster, s: s}
}

// warn records one key of this service that did not carry over as written.
func (c *serviceConverter) warn(key, format string, args ...any) {
	c.warnings = append(c.warnings, Warning{Service: c.s.Name, Key: key, Message: fmt.Sprintf(format, args...)})
}

func (c *serviceConverter) convert() (*Service, error) {
	x, err := parseXECS(c)
	if err != nil {
		return nil, err
	}
	c.x = x
	c.fargate = x.onFargate()
	c.warnUnsupportedKeys()
	name := ecsName(c.s.Name)
	family := ecsName(c.p.Name) + "-" + name
	c.out.Name = c.s.Name
	c.cd = ecs.ContainerDefinition{Name: ecs.Ptr(name), Essential: ecs.Ptr(true)}
	c.image()
	c.process()
	c.environment()
	c.ports()
	c.health()
	c.linux()
	if err := c.volumes(); err != nil {
		return nil, err
	}
	c.secrets()
	td := &c.out.TaskDefinition
	td.Family = family
	td.NetworkMode = ecs.Ptr(ecs.NetworkAwsvpc)
	td.Tags = c.tags(nil)
	if err := c.taskSize(); err != nil {
		return nil, err
	}
	c.platform()
	if err := c.serviceInput(family); err != nil {
		return nil, err
	}
	c.dependencies()
	td.ContainerDefinitions = []ecs.ContainerDefinition{c.cd}
	if err := c.x.applyRaw(td, c.out.Service); err != nil {
		return nil, err
	}
	c.finishRunOnce()
	return &c.out, nil
}

// tags are the compose bookkeeping tags plus extra ones, sorted by key.
func (c *serviceConverter) tags(extra map[string]string) []ecs.Tag {
	m := map[string]string{ProjectTag: c.p.Name, ServiceTag: c.s.Name}
	for k, v := range c.binds {
		m[k] = v
	}
	for k, v := range extra {
		m[k] = v
	}
	out := make([]ecs.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, ecs.Tag{Key: ecs.Ptr(k), Value: ecs.Ptr(m[k])})
	}
	return out
}

// serviceInput fills the CreateService request.
func (c *serviceConverter) serviceInput(family string) error {
	in := &ecs.CreateServiceInput{}
	c.out.Service = in
	in.Cluster = c.cluster
	in.ServiceName = ecsName(c.s.Name)
	in.TaskDefinition = family
	in.DesiredCount = ecs.Ptr(c.desiredCount())
	in.NetworkConfiguration = c.x.network(c.o.Subnets)
	c.x.placement(in)
	for _, pp := range c.out.Ports {
		in.LoadBalancers = append(in.LoadBalancers, ecs.LoadBalancer{TargetGroupArn: pp.TargetGroupArn,
			ContainerName: ecsName(c.s.Name), ContainerPort: ecs.Ptr(pp.ContainerPort)})
	}
	c.deploy(in)
	if err := c.strategy(in); err != nil {
		return err
	}
	var labels map[string]string
	if c.s.Deploy != nil {
		labels = c.s.Deploy.Labels
	}
	in.Tags = c.tags(labels)
	in.PropagateTags = "SERVICE"
	// The token makes CreateService idempotent for the same input, so that retrying an
	// import after a failure does not fail on the service it already created. Local
	// bind paths are left out: they are this machine's, not the service's.
	hashed := *in
	hashed.Tags = withoutLocalBinds(in.Tags)
	b, err := json.Marshal(&hashed)
	if err != nil {
		return fmt.Errorf("encoding the service: %w", err)
	}
	sum := sha256.Sum256(b)
	in.ClientToken = hex.EncodeToString(sum[:])[:32]
	return nil
}

// desiredCount is deploy.replicas, else scale, else 1.
func (c *serviceConverter) desiredCount() int {
	if c.s.Deploy != nil && c.s.Deploy.Replicas != nil {
		return *c.s.Deploy.Replicas
	}
	if c.s.Scale != nil {
		return *c.s.Scale
	}
	return 1
}

// dependencies copies depends_on, sorted by service name.
func (c *serviceConverter) dependencies() {
	for _, name := range sortedKeys(c.s.DependsOn) {
		d := c.s.DependsOn[name]
		cond := d.Condition
		if cond == "" {
			cond = ConditionStarted
		}
		if d.Restart && !slices.Contains(c.s.Links, name) { // links imply restart
			c.warn("depends_on."+name+".restart", "ECS does not restart a service when its dependency is updated; ignored")
		}
		c.out.DependsOn = append(c.out.DependsOn, Dependency{Service: name, Condition: cond, Required: d.Required})
	}
	sort.Slice(c.out.DependsOn, func(i, j int) bool { return c.out.DependsOn[i].Service < c.out.DependsOn[j].Service })
}
