package state

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/strategy"
)

// Service is a stored service: the service as DescribeServices shows it, minus
// its deployments, which live in Deployments with the scheduler's own per-deployment
// state, plus what the control loop must remember between plans (spec §5).
type Service struct {
	Service     *ecs.Service `json:"service"`
	ClusterName string       `json:"clusterName"`
	ClientToken string       `json:"clientToken,omitempty"`
	// Request fingerprints the CreateService request, so that creating an existing
	// service again with the same request is idempotent (Terraform retries creates) and
	// with a different one is refused, as ECS does.
	Request string `json:"request"`
	// Deployments are newest first and include INACTIVE ones: a circuit breaker
	// rollback needs the last COMPLETED deployment (spec §5.7).
	Deployments []Deployment       `json:"deployments"`
	Throttle    scheduler.Throttle `json:"throttle"`
	Steady      bool               `json:"steady"`
	// InactiveAt is when a deleted service became INACTIVE; it is forgotten
	// StoppedTaskTTL later.
	InactiveAt *time.Time `json:"inactiveAt,omitempty"`
	// Conditions are the problem events ("... unable to ...") written while their cause
	// lasts, by message, with when each was last written: ECS writes such an event once
	// until its cause goes away or six hours pass.
	Conditions map[string]time.Time `json:"conditions,omitempty"`
	// TaskSets are the task sets of an EXTERNAL or CODE_DEPLOY service (taskset.go).
	TaskSets []TaskSet `json:"taskSets,omitempty"`
}

// Deployment is a deployment and the scheduler state that ECS does not show.
type Deployment struct {
	ecs.Deployment
	ReachedRunning bool `json:"reachedRunning,omitempty"`
	Rollback       bool `json:"rollback,omitempty"`
	// ServiceDeployment is the store key of the deployment's service deployment record
	// (emulator/servicedeploys.go).
	ServiceDeployment string `json:"serviceDeployment,omitempty"`
	// Shift is where a BLUE_GREEN, LINEAR or CANARY deployment is in its plan
	// (servicectl/strategy.go); LifecycleStage is the stage its record shows, and
	// LifecycleHooks the record's lifecycleHookDetails.
	Shift          *strategy.Progress                  `json:"shift,omitempty"`
	LifecycleStage string                              `json:"lifecycleStage,omitempty"`
	LifecycleHooks []ecs.DeploymentLifecycleHookDetail `json:"lifecycleHooks,omitempty"`
}

// MaxServiceEvents is how many events a service keeps (the console shows 100).
const MaxServiceEvents = 100

func ServiceKey(region, cluster, name string) string { return Key(region, cluster, name) }

// ServiceRef splits a service name or ARN; an ARN also names its cluster.
func ServiceRef(ref string) (cluster, name string, err error) {
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Service != "ecs" || a.Kind() != "service" {
			return "", "", ecs.InvalidParameter("Invalid service ARN %s", ref)
		}
		path := a.Path()
		if c, n, ok := strings.Cut(path, "/"); ok {
			return c, n, nil
		}
		return "", path, nil // the old ARN format has no cluster
	}
	if ref == "" {
		return "", "", ecs.InvalidParameter("Service can not be blank.")
	}
	return "", ref, nil
}

// FindService resolves a service of a cluster by name or ARN. It must run inside a store
// View or Update.
func (s *State) FindService(ctx context.Context, clusterRef, ref string) (string, *Service, error) {
	ck, c, err := s.ActiveCluster(ctx, clusterRef)
	if err != nil {
		return "", nil, err
	}
	cl, name, err := ServiceRef(ref)
	if err != nil {
		return "", nil, err
	}
	if cl != "" && cl != c.ClusterName {
		return "", nil, ecs.InvalidParameter("Service belongs to a different cluster than the one specified.")
	}
	k := ServiceKey(LastRegion(ck), c.ClusterName, name)
	r, ok := s.Services.Get(k)
	if !ok {
		return "", nil, ecs.Errorf(ecs.CodeServiceNotFound, "Service not found.")
	}
	return k, r, nil
}

// Clone copies a record deeply enough that the copy's slices can be changed freely.
func (r *Service) Clone() *Service {
	c := *r
	s := *r.Service
	s.Events = slices.Clone(r.Service.Events)
	s.Tags = slices.Clone(r.Service.Tags)
	c.Service = &s
	c.Deployments = slices.Clone(r.Deployments)
	c.Conditions = maps.Clone(r.Conditions)
	c.TaskSets = slices.Clone(r.TaskSets)
	return &c
}

func (r *Service) Primary() *Deployment {
	for i := range r.Deployments {
		if r.Deployments[i].Status == ecs.DeploymentPrimary {
			return &r.Deployments[i]
		}
	}
	return nil
}

// AddEvents prepends messages, newest first as DescribeServices lists them, keeping
// the most recent MaxServiceEvents.
func (r *Service) AddEvents(now time.Time, messages ...string) {
	if len(messages) == 0 {
		return
	}
	evs := make([]ecs.ServiceEvent, 0, len(messages)+len(r.Service.Events))
	for i := len(messages) - 1; i >= 0; i-- {
		evs = append(evs, ecs.ServiceEvent{ID: ecs.NewUUID(), CreatedAt: ecs.At(now), Message: messages[i]})
	}
	evs = append(evs, r.Service.Events...)
	if len(evs) > MaxServiceEvents {
		evs = evs[:MaxServiceEvents]
	}
	r.Service.Events = evs
}

// Present is the service as the API shows it: PRIMARY and ACTIVE deployments only
// (what `aws ecs wait services-stable` counts), counts summed over them, tags only when
// asked for.
func (r *Service) Present(withTags bool) *ecs.Service {
	s := *r.Service
	s.Deployments = []ecs.Deployment{}
	s.RunningCount, s.PendingCount = 0, 0
	for _, d := range r.Deployments {
		if d.Status == ecs.DeploymentInactive {
			continue
		}
		s.Deployments = append(s.Deployments, d.Deployment)
		s.RunningCount += d.RunningCount
		s.PendingCount += d.PendingCount
	}
	slices.SortStableFunc(s.Deployments, func(a, b ecs.Deployment) int {
		return DeploymentRank(a.Status) - DeploymentRank(b.Status)
	})
	if UsesTaskSets(&s) {
		r.presentTaskSets(&s)
	}
	s.Events = slices.Clone(r.Service.Events)
	if s.Events == nil {
		s.Events = []ecs.ServiceEvent{}
	}
	if withTags {
		s.Tags = slices.Clone(r.Service.Tags)
		if s.Tags == nil {
			s.Tags = []ecs.Tag{}
		}
	} else {
		s.Tags = nil
	}
	return &s
}

func DeploymentRank(status string) int {
	if status == ecs.DeploymentPrimary {
		return 0
	}
	return 1
}

// ServiceConnectConfig is the part of serviceConnectConfiguration ecsmini reads.
type ServiceConnectConfig struct {
	Enabled   bool   `json:"enabled"`
	Namespace string `json:"namespace"`
	Services  []struct {
		PortName      string `json:"portName"`
		DiscoveryName string `json:"discoveryName"`
		ClientAliases []struct {
			Port    int    `json:"port"`
			DNSName string `json:"dnsName"`
		} `json:"clientAliases"`
	} `json:"services"`
}

func (r *Service) ServiceConnect() ServiceConnectConfig {
	if p := r.Primary(); p != nil {
		return p.ServiceConnect()
	}
	return ServiceConnectConfig{}
}

// ServiceConnect reads the deployment's serviceConnectConfiguration: stored as the
// client sent it, bad JSON reads as disabled.
func (d *Deployment) ServiceConnect() ServiceConnectConfig {
	var sc ServiceConnectConfig
	if len(d.ServiceConnectConfiguration) > 0 {
		_ = json.Unmarshal(d.ServiceConnectConfiguration, &sc)
	}
	return sc
}
