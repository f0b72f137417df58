package composeimport

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Plan is a compose project as ECS inputs.
type Plan struct {
	// Project is the compose project name; Cluster the ECS cluster it becomes.
	Project string `json:"project"`
	Cluster string `json:"cluster"`
	// Services are in start order: every service after the services it depends on.
	Services []Service `json:"services"`
	// Warnings name every compose key that was not carried over, or carried over with
	// a difference worth knowing.
	Warnings []Warning `json:"warnings,omitempty"`
	// Notes explain choices the conversion made (the Fargate size picked).
	Notes []Warning `json:"notes,omitempty"`
}

// Service is one compose service as one task definition family and one ECS service.
type Service struct {
	Name           string                          `json:"name"`
	TaskDefinition ecs.RegisterTaskDefinitionInput `json:"taskDefinition"`
	// Service is the CreateService request; nil for a one-off task (RunTask).
	Service *ecs.CreateServiceInput `json:"service,omitempty"`
	// DependsOn are the compose services this one waits for, with the condition.
	DependsOn []Dependency `json:"dependsOn,omitempty"`
	// Build, if set, is the image to build locally before registering; the task
	// definition names Build.Tag as its image.
	Build *Build `json:"build,omitempty"`
	// Ports are the compose published ports: each is a target group whose local load
	// balancer listens on HostPort.
	Ports []PublishedPort `json:"ports,omitempty"`
	// Restart says what happens when its tasks exit (see deploy.go).
	Restart RestartMode `json:"restart"`
	// RunTask is set, and Service unused, for a one-off task (restart: "no").
	RunTask *ecs.RunTaskInput `json:"runTask,omitempty"`
}

// Dependency is a compose depends_on entry.
type Dependency struct {
	Service string `json:"service"`
	// Condition is compose's: service_started, service_healthy or
	// service_completed_successfully.
	Condition string `json:"condition"`
	Required  bool   `json:"required"`
}

// Compose's depends_on conditions.
const (
	ConditionStarted   = "service_started"
	ConditionHealthy   = "service_healthy"
	ConditionCompleted = "service_completed_successfully"
)

// Build is an image compose builds from a local context.
type Build struct {
	Context    string            `json:"context"`
	Dockerfile string            `json:"dockerfile,omitempty"`
	Args       map[string]string `json:"args,omitempty"`
	Target     string            `json:"target,omitempty"`
	Tag        string            `json:"tag"`
	Labels     map[string]string `json:"labels,omitempty"`
	// Secrets are the build secrets RUN --mount=type=secret reads, from the project's
	// secrets: a file or an environment variable of ecsmini's.
	Secrets []BuildSecret `json:"secrets,omitempty"`
	// SSH are the SSH agents or keys RUN --mount=type=ssh may use: "default" or ID=PATH.
	SSH        []string `json:"ssh,omitempty"`
	CacheFrom  []string `json:"cacheFrom,omitempty"`
	CacheTo    []string `json:"cacheTo,omitempty"`
	NoCache    bool     `json:"noCache,omitempty"`
	ExtraHosts []string `json:"extraHosts,omitempty"`
	ShmSize    int64    `json:"shmSize,omitempty"`
}

// BuildSecret is one build secret: the ID the Dockerfile mounts and where its value
// comes from (File or Env).
type BuildSecret struct {
	ID   string `json:"id"`
	File string `json:"file,omitempty"`
	Env  string `json:"env,omitempty"`
}

// PublishedPort is a compose "HOST:CONTAINER" port as an ECS load balancer.
type PublishedPort struct {
	HostPort        int    `json:"hostPort"`
	ContainerPort   int    `json:"containerPort"`
	TargetGroupName string `json:"targetGroupName"`
	TargetGroupArn  string `json:"targetGroupArn"`
}

// Warning is one compose key that did not carry over as it is.
type Warning struct {
	Service string `json:"service,omitempty"`
	Key     string `json:"key"`
	Message string `json:"message"`
}

func (w Warning) String() string {
	if w.Service == "" {
		return fmt.Sprintf("%s: %s", w.Key, w.Message)
	}
	return fmt.Sprintf("service %s: %s: %s", w.Service, w.Key, w.Message)
}

// Service returns the planned service by compose name.
func (p *Plan) Service(name string) (*Service, bool) {
	for i := range p.Services {
		if p.Services[i].Name == name {
			return &p.Services[i], true
		}
	}
	return nil, false
}

// LBPorts are the host ports of every published port's target group, by target group
// name, as `ecsmini up --lb-port NAME=PORT` takes them.
func (p *Plan) LBPorts() map[string]int {
	out := map[string]int{}
	for _, s := range p.Services {
		for _, pp := range s.Ports {
			out[pp.TargetGroupName] = pp.HostPort
		}
	}
	return out
}

// ForAWS removes what only ecsmini uses from the plan's requests: the local bind tags
// of Fargate bind mounts (host paths of this machine, which AWS has no use for).
func (p *Plan) ForAWS() {
	for i := range p.Services {
		s := &p.Services[i]
		s.TaskDefinition.Tags = withoutLocalBinds(s.TaskDefinition.Tags)
		if s.Service != nil {
			s.Service.Tags = withoutLocalBinds(s.Service.Tags)
		}
		if s.RunTask != nil {
			s.RunTask.Tags = withoutLocalBinds(s.RunTask.Tags)
		}
	}
}

// withoutLocalBinds is tags less the local bind ones.
func withoutLocalBinds(tags []ecs.Tag) []ecs.Tag {
	out := make([]ecs.Tag, 0, len(tags))
	for _, t := range tags {
		if !strings.HasPrefix(ecs.Deref(t.Key), ecs.LocalBindTagPrefix) {
			out = append(out, t)
		}
	}
	return out
}

// CapacityProviders are the capacity providers the services' strategies name, which
// the cluster must have associated (sorted).
func (p *Plan) CapacityProviders() []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range p.Services {
		var items []ecs.CapacityProviderStrategyItem
		if s.Service != nil {
			items = s.Service.CapacityProviderStrategy
		} else if s.RunTask != nil {
			items = s.RunTask.CapacityProviderStrategy
		}
		for _, it := range items {
			if !seen[it.CapacityProvider] {
				seen[it.CapacityProvider] = true
				out = append(out, it.CapacityProvider)
			}
		}
	}
	sort.Strings(out)
	return out
}
