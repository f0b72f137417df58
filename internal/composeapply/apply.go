package composeapply

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// hashTag is the task definition tag that holds the hash of the input a revision was
// registered from, so that a re-import registers a revision only for what changed —
// across restarts of ecsmini too, since tags are kept.
const hashTag = "ecsmini:compose-hash"

// applier brings the ECS state of a running ecsmini to a compose Plan through
// its API: a revision for every changed task definition, CreateService for new
// services, UpdateService (a rolling deployment) for changed ones, RunTask for one-off
// services, and DeleteService for services gone from the file.
type applier struct {
	c   *ecsminiapi.Client
	out io.Writer
	// depTimeout bounds the wait for a depends_on condition.
	depTimeout time.Duration
	// poll is how often a dependency is checked.
	poll time.Duration
	// wait pauses between two checks (nil: real time).
	wait func(ctx context.Context, d time.Duration) error
}

// Result counts what an apply changed, and which services it could not bring up.
type Result struct {
	Created, Updated, Deleted, Unchanged, Ran []string
	// Failed are the services the apply could not carry out (a failed build, a
	// dependency that did not come up, an error of the API), with why.
	Failed []Failure
}

// Failure is a service that did not come up, and why.
type Failure struct {
	Service string `json:"service"`
	Reason  string `json:"reason"`
}

// failed says whether the service is among the failures.
func (r *Result) failed(name string) bool {
	for _, f := range r.Failed {
		if f.Service == name {
			return true
		}
	}
	return false
}

func (a *applier) logf(format string, args ...any) {
	fmt.Fprintf(a.out, "compose: "+format+"\n", args...)
}

// apply converges the cluster on plan. A service that cannot be applied (or whose
// image did not build: failed) is recorded in Result.Failed and the others go on; the
// services that depend on it fail with it. Only an error that concerns the whole
// project (the cluster) stops it; what it did before stays (a later apply resumes
// from there).
func (a *applier) apply(ctx context.Context, plan *composeimport.Plan, failed []Failure) (Result, error) {
	res := Result{Failed: failed}
	var cl ecs.ClusterOutput
	if err := a.c.Call(ctx, "CreateCluster", &ecs.CreateClusterInput{ClusterName: ecs.Ptr(plan.Cluster),
		Tags: []ecs.Tag{{Key: ecs.Ptr(composeimport.ProjectTag), Value: ecs.Ptr(plan.Project)}}}, &cl); err != nil {
		return res, fmt.Errorf("cluster %s: %w", plan.Cluster, err)
	}
	if err := a.associate(ctx, cl.Cluster, plan.CapacityProviders()); err != nil {
		return res, fmt.Errorf("cluster %s: %w", plan.Cluster, err)
	}
	for i := range plan.Services {
		s := &plan.Services[i]
		if res.failed(s.Name) {
			continue
		}
		if dep := failedDependency(s, &res); dep != "" {
			res.Failed = append(res.Failed, Failure{Service: s.Name, Reason: "its dependency " + dep + " did not come up"})
			a.logf("service %s: not started: its dependency %s did not come up", s.Name, dep)
			continue
		}
		if err := a.applyService(ctx, plan, s, &res); err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("service %s: %w", s.Name, err)
			}
			res.Failed = append(res.Failed, Failure{Service: s.Name, Reason: err.Error()})
			a.logf("service %s: %v", s.Name, err)
		}
	}
	gone, err := a.removeGone(ctx, plan)
	res.Deleted = gone
	return res, err
}

// failedDependency is a service s depends on that has failed, or "".
func failedDependency(s *composeimport.Service, res *Result) string {
	for _, d := range s.DependsOn {
		if res.failed(d.Service) {
			return d.Service
		}
	}
	return ""
}

// associate adds the capacity providers the services' strategies use to the cluster's,
// keeping its default strategy.
func (a *applier) associate(ctx context.Context, cl *ecs.Cluster, want []string) error {
	if cl == nil || len(want) == 0 {
		return nil
	}
	have := slices.Clone(cl.CapacityProviders)
	missing := false
	for _, p := range want {
		if !slices.Contains(have, p) {
			have, missing = append(have, p), true
		}
	}
	if !missing {
		return nil
	}
	var out ecs.ClusterOutput
	return a.c.Call(ctx, "PutClusterCapacityProviders", &ecs.PutClusterCapacityProvidersInput{Cluster: cl.ClusterName,
		CapacityProviders: have, DefaultCapacityProviderStrategy: nonNilStrategy(cl.DefaultCapacityProviderStrategy)}, &out)
}

func nonNilStrategy(s []ecs.CapacityProviderStrategyItem) []ecs.CapacityProviderStrategyItem {
	if s == nil {
		return []ecs.CapacityProviderStrategyItem{}
	}
	return s
}

func (a *applier) applyService(ctx context.Context, plan *composeimport.Plan, s *composeimport.Service, res *Result) error {
	tdArn, fresh, err := a.register(ctx, s)
	if err != nil {
		return err
	}
	if s.RunTask != nil {
		return a.runOnce(ctx, plan, s, tdArn, fresh, res)
	}
	current, err := a.describeService(ctx, plan.Cluster, s.Service.ServiceName)
	if err != nil {
		return err
	}
	if current == nil {
		if err := a.waitForDependencies(ctx, plan, s); err != nil {
			return err
		}
		in := *s.Service
		in.TaskDefinition = tdArn
		var out ecs.ServiceOutput
		if err := a.c.Call(ctx, "CreateService", &in, &out); err != nil {
			return err
		}
		a.logf("created service %s (%s, desired %d)", s.Name, arnTail(tdArn), ecs.Deref(in.DesiredCount))
		res.Created = append(res.Created, s.Name)
		return nil
	}
	up := ecs.UpdateServiceInput{Cluster: plan.Cluster, Service: current.ServiceName}
	changed := false
	if current.TaskDefinition != tdArn {
		up.TaskDefinition, changed = ecs.Ptr(tdArn), true
	}
	if want := s.Service.DesiredCount; want != nil && *want != current.DesiredCount {
		up.DesiredCount, changed = want, true
	}
	if dc := s.Service.DeploymentConfiguration; dc != nil && !sameJSON(dc, current.DeploymentConfiguration) {
		up.DeploymentConfiguration, changed = dc, true
	}
	if want := s.Service.LoadBalancers; !sameTargets(want, current.LoadBalancers) {
		// A published port added or removed: new target groups for the new deployment.
		up.LoadBalancers, changed = append([]ecs.LoadBalancer{}, want...), true
	}
	if !changed {
		res.Unchanged = append(res.Unchanged, s.Name)
		return nil
	}
	var out ecs.ServiceOutput
	if err := a.c.Call(ctx, "UpdateService", &up, &out); err != nil {
		return err
	}
	a.logf("updated service %s (%s, desired %d): rolling deployment", s.Name, arnTail(tdArn), out.Service.DesiredCount)
	res.Updated = append(res.Updated, s.Name)
	return nil
}

// register returns the ARN of a revision registered from exactly this input: the
// family's latest ACTIVE revision if its hash tag matches, else a new one.
func (a *applier) register(ctx context.Context, s *composeimport.Service) (arn string, fresh bool, err error) {
	in := s.TaskDefinition
	sum, err := inputHash(in)
	if err != nil {
		return "", false, err
	}
	var cur ecs.TaskDefinitionOutput
	err = a.c.Call(ctx, "DescribeTaskDefinition", &ecs.DescribeTaskDefinitionInput{TaskDefinition: in.Family, Include: []string{"TAGS"}}, &cur)
	switch {
	case err == nil:
		if tagValue(cur.Tags, hashTag) == sum {
			var td struct {
				TaskDefinitionArn string `json:"taskDefinitionArn"`
			}
			if err := json.Unmarshal(cur.TaskDefinition, &td); err != nil {
				return "", false, fmt.Errorf("decoding task definition %s: %w", in.Family, err)
			}
			return td.TaskDefinitionArn, false, nil
		}
	case ecsminiapi.IsCode(err, "ClientException"): // no ACTIVE revision yet
	default:
		return "", false, err
	}
	in.Tags = append(slices.Clone(in.Tags), ecs.Tag{Key: ecs.Ptr(hashTag), Value: ecs.Ptr(sum)})
	var out ecs.TaskDefinitionOutput
	if err := a.c.Call(ctx, "RegisterTaskDefinition", &in, &out); err != nil {
		return "", false, err
	}
	var td struct {
		TaskDefinitionArn string `json:"taskDefinitionArn"`
	}
	if err := json.Unmarshal(out.TaskDefinition, &td); err != nil {
		return "", false, fmt.Errorf("decoding task definition %s: %w", in.Family, err)
	}
	a.logf("registered %s", arnTail(td.TaskDefinitionArn))
	return td.TaskDefinitionArn, true, nil
}

// describeService returns the ACTIVE (or DRAINING) service, or nil if there is none.
func (a *applier) describeService(ctx context.Context, cluster, name string) (*ecs.Service, error) {
	var out ecs.DescribeServicesOutput
	if err := a.c.Call(ctx, "DescribeServices", &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{name}, Include: []string{"TAGS"}}, &out); err != nil {
		return nil, err
	}
	for _, s := range out.Services {
		if s.Status == "ACTIVE" {
			return s, nil
		}
	}
	return nil, nil
}

// runOnce starts a one-off service's task when its task definition is new (first
// import, or changed since), after its dependencies.
func (a *applier) runOnce(ctx context.Context, plan *composeimport.Plan, s *composeimport.Service, tdArn string, fresh bool, res *Result) error {
	if !fresh {
		arns, err := a.c.ListTasks(ctx, ecs.ListTasksInput{Cluster: plan.Cluster, StartedBy: s.RunTask.StartedBy})
		if err != nil {
			return err
		}
		stopped, err := a.c.ListTasks(ctx, ecs.ListTasksInput{Cluster: plan.Cluster, StartedBy: s.RunTask.StartedBy, DesiredStatus: "STOPPED"})
		if err != nil {
			return err
		}
		if len(arns)+len(stopped) > 0 {
			res.Unchanged = append(res.Unchanged, s.Name)
			return nil
		}
	}
	if err := a.waitForDependencies(ctx, plan, s); err != nil {
		return err
	}
	in := *s.RunTask
	in.TaskDefinition = tdArn
	var out ecs.TasksOutput
	if err := a.c.Call(ctx, "RunTask", &in, &out); err != nil {
		return err
	}
	if len(out.Failures) > 0 {
		return fmt.Errorf("RunTask: %s", out.Failures[0].Reason)
	}
	a.logf("ran one-off task %s (%s)", s.Name, arnTail(tdArn))
	res.Ran = append(res.Ran, s.Name)
	return nil
}
