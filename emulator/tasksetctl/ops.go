package tasksetctl

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// Find resolves the service a task set operation names and, when manage is set (every
// operation but DescribeTaskSets), requires it to be ACTIVE with the EXTERNAL
// controller: a CODE_DEPLOY service's task sets belong to its deployments. It must run
// inside a store View or Update.
func Find(ctx context.Context, st *state.State, in *ecs.TaskSetInput, manage bool) (string, *state.Service, error) {
	k, r, err := st.FindService(ctx, in.Cluster, in.Service)
	if err != nil {
		return "", nil, err
	}
	if !manage {
		return k, r, nil
	}
	if c := r.Service.DeploymentController; c == nil || c.Type != ecs.ControllerExternal {
		return "", nil, ecs.ErrTaskSetsNeedExternal()
	}
	if r.Service.Status != ecs.ServiceActive {
		return "", nil, ecs.Errorf(ecs.CodeServiceNotActive, "Service was not ACTIVE.")
	}
	return k, r, nil
}

// NewID is a task set id, in the shape ECS gives them (ecs-svc/ and 19 digits).
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	n := binary.BigEndian.Uint64(b[:])%9000000000000000000 + 1000000000000000000
	return fmt.Sprintf("ecs-svc/%d", n)
}

// CheckScale refuses a scale ECS refuses; nil means the default, 100 PERCENT.
func CheckScale(s *ecs.Scale) error {
	if s == nil {
		return nil
	}
	if s.Unit != "" && s.Unit != ecs.ScalePercent {
		return ecs.InvalidParameter("Invalid scale unit '%s'. Valid values: [PERCENT].", s.Unit)
	}
	if s.Value < 0 || s.Value > 100 || math.IsNaN(s.Value) {
		return ecs.InvalidParameter("Scale value must be between 0 and 100.")
	}
	return nil
}

// Computed is a task set's computedDesiredCount: its scale of the service's
// desiredCount, rounded up.
func Computed(desired int, s *ecs.Scale) int {
	v := 100.0
	if s != nil {
		v = s.Value
	}
	return int(math.Ceil(float64(desired) * v / 100))
}

// Launch is how a task set's tasks run, as the facade resolved and checked it (the
// checks RunTask and CreateService share live there).
type Launch struct {
	TaskDefinition           string
	LaunchType               string
	CapacityProviderStrategy []ecs.CapacityProviderStrategyItem
	PlatformVersion          string
	PlatformFamily           string
	NetworkConfiguration     *ecs.NetworkConfiguration
}

// NewTaskSet is a task set of the service r running l at scale, as CreateTaskSet and
// CodeDeploy make them: ACTIVE, stabilizing unless it runs nothing.
func NewTaskSet(sc ecs.Scope, r *state.Service, l Launch, in *ecs.TaskSetInput, now time.Time) state.TaskSet {
	id := NewID()
	scale := ecs.Scale{Value: 100, Unit: ecs.ScalePercent}
	if in.Scale != nil {
		scale.Value = in.Scale.Value
	}
	ts := state.TaskSet{ClientToken: in.ClientToken, TaskSet: ecs.TaskSet{
		ID: id, TaskSetArn: sc.TaskSetARN(r.ClusterName, r.Service.ServiceName, id),
		ServiceArn: r.Service.ServiceArn, ClusterArn: r.Service.ClusterArn, ExternalID: in.ExternalID,
		Status: ecs.TaskSetActive, TaskDefinition: l.TaskDefinition, LaunchType: l.LaunchType,
		CapacityProviderStrategy: l.CapacityProviderStrategy, PlatformVersion: l.PlatformVersion,
		PlatformFamily: l.PlatformFamily, NetworkConfiguration: l.NetworkConfiguration,
		LoadBalancers: nonNil(in.LoadBalancers), ServiceRegistries: nonNil(in.ServiceRegistries),
		Scale: &scale, CreatedAt: ecs.At(now), UpdatedAt: ecs.At(now), StabilityStatusAt: ecs.At(now),
		Tags: slices.Clone(in.Tags),
	}}
	ts.ComputedDesiredCount = Computed(r.Service.DesiredCount, ts.Scale)
	ts.StabilityStatus = ecs.TaskSetStabilizing
	if ts.ComputedDesiredCount == 0 {
		ts.StabilityStatus = ecs.TaskSetSteady
	}
	return ts
}

// Create adds a task set to the service r (CreateTaskSet). A request repeated with
// the same clientToken answers with the task set it made.
func Create(sc ecs.Scope, r *state.Service, l Launch, in *ecs.TaskSetInput, now time.Time) *ecs.TaskSet {
	if in.ClientToken != "" {
		for _, ts := range r.TaskSets {
			if ts.ClientToken == in.ClientToken {
				out := state.PresentTaskSet(ts, false)
				return &out
			}
		}
	}
	ts := NewTaskSet(sc, r, l, in, now)
	r.TaskSets = append(r.TaskSets, ts)
	out := state.PresentTaskSet(ts, false)
	return &out
}

// CheckCreate applies CreateTaskSet's checks that need no state.
func CheckCreate(in *ecs.TaskSetInput) error {
	switch {
	case in.TaskDefinition == "":
		return ecs.InvalidParameter("TaskDefinition can not be blank.")
	case len(in.ClientToken) > 36:
		return ecs.InvalidParameter("clientToken can have up to 36 characters.")
	case len(in.LoadBalancers) > 1:
		return ecs.InvalidParameter("loadBalancers can have at most 1 items.")
	case len(in.ServiceRegistries) > 1:
		return ecs.InvalidParameter("serviceRegistries can have at most 1 items.")
	}
	return CheckScale(in.Scale)
}

// Describe answers DescribeTaskSets: the task sets named (all of them when none are),
// each one the service lacks a MISSING failure.
func Describe(r *state.Service, in *ecs.TaskSetInput) *ecs.DescribeTaskSetsOutput {
	withTags := slices.Contains(in.Include, "TAGS")
	out := &ecs.DescribeTaskSetsOutput{TaskSets: []ecs.TaskSet{}, Failures: []ecs.Failure{}}
	if len(in.TaskSets) == 0 {
		for _, ts := range r.TaskSets {
			out.TaskSets = append(out.TaskSets, state.PresentTaskSet(ts, withTags))
		}
		return out
	}
	for _, ref := range in.TaskSets {
		if i := r.FindTaskSet(ref); i >= 0 {
			out.TaskSets = append(out.TaskSets, state.PresentTaskSet(r.TaskSets[i], withTags))
			continue
		}
		out.Failures = append(out.Failures, ecs.Failure{Arn: ref, Reason: "MISSING"})
	}
	return out
}

// find is the index of the task set in.TaskSet names, which must not be draining.
func find(r *state.Service, ref string) (int, error) {
	if ref == "" {
		return 0, ecs.InvalidParameter("TaskSet can not be blank.")
	}
	i := r.FindTaskSet(ref)
	if i < 0 || r.TaskSets[i].Status == ecs.TaskSetDraining {
		return 0, ecs.ErrTaskSetNotFound()
	}
	return i, nil
}

// Update changes a task set's scale (UpdateTaskSet); the reconciler resizes it.
func Update(r *state.Service, in *ecs.TaskSetInput, now time.Time) (*ecs.TaskSet, error) {
	if in.Scale == nil {
		return nil, ecs.InvalidParameter("Scale can not be blank.")
	}
	if err := CheckScale(in.Scale); err != nil {
		return nil, err
	}
	i, err := find(r, in.TaskSet)
	if err != nil {
		return nil, err
	}
	ts := &r.TaskSets[i]
	ts.Scale = &ecs.Scale{Value: in.Scale.Value, Unit: ecs.ScalePercent}
	resize(ts, r.Service.DesiredCount, now)
	ts.UpdatedAt = ecs.At(now)
	out := state.PresentTaskSet(*ts, false)
	return &out, nil
}

// resize sets a task set's computed desired count; a change makes it stabilize.
func resize(ts *state.TaskSet, desired int, now time.Time) {
	n := Computed(desired, ts.Scale)
	if ts.Status == ecs.TaskSetDraining {
		n = 0
	}
	if n != ts.ComputedDesiredCount {
		ts.ComputedDesiredCount = n
		setStability(ts, ecs.TaskSetStabilizing, now)
	}
}

func setStability(ts *state.TaskSet, s string, now time.Time) {
	if ts.StabilityStatus != s {
		ts.StabilityStatus, ts.StabilityStatusAt = s, ecs.At(now)
	}
}

// UpdatePrimary makes a task set the service's PRIMARY one
// (UpdateServicePrimaryTaskSet); the former primary turns ACTIVE, and the service
// shows the new primary's task definition, launch and load balancers.
func UpdatePrimary(r *state.Service, in *ecs.TaskSetInput, now time.Time) (*ecs.TaskSet, error) {
	if in.PrimaryTaskSet == "" {
		return nil, ecs.InvalidParameter("PrimaryTaskSet can not be blank.")
	}
	i, err := find(r, in.PrimaryTaskSet)
	if err != nil {
		return nil, err
	}
	promote(r, i, now)
	out := state.PresentTaskSet(r.TaskSets[i], false)
	return &out, nil
}

// promote makes task set i PRIMARY and mirrors it on the service.
func promote(r *state.Service, i int, now time.Time) {
	for j := range r.TaskSets {
		if j != i && r.TaskSets[j].Status == ecs.TaskSetPrimary {
			r.TaskSets[j].Status = ecs.TaskSetActive
			r.TaskSets[j].UpdatedAt = ecs.At(now)
		}
	}
	ts := &r.TaskSets[i]
	ts.Status, ts.UpdatedAt = ecs.TaskSetPrimary, ecs.At(now)
	s := r.Service
	s.TaskDefinition, s.LaunchType, s.CapacityProviderStrategy = ts.TaskDefinition, ts.LaunchType, ts.CapacityProviderStrategy
	s.PlatformVersion, s.PlatformFamily, s.NetworkConfiguration = ts.PlatformVersion, ts.PlatformFamily, ts.NetworkConfiguration
	s.LoadBalancers, s.ServiceRegistries = nonNil(slices.Clone(ts.LoadBalancers)), nonNil(slices.Clone(ts.ServiceRegistries))
}

// Delete starts deleting a task set (DeleteTaskSet): it turns DRAINING and the
// reconciler stops its tasks, then forgets it. A set still scaling (STABILIZING) needs
// force, which lets it go without waiting for the scaling to finish.
func Delete(r *state.Service, in *ecs.TaskSetInput, now time.Time) (*ecs.TaskSet, error) {
	i, err := find(r, in.TaskSet)
	if err != nil {
		return nil, err
	}
	ts := &r.TaskSets[i]
	if !ecs.Deref(in.Force) && ts.StabilityStatus == ecs.TaskSetStabilizing {
		return nil, ecs.InvalidParameter("The task set is scaling and cannot be deleted until it reaches STEADY_STATE; set force to true to delete it now.")
	}
	ts.Status, ts.UpdatedAt = ecs.TaskSetDraining, ecs.At(now)
	resize(ts, r.Service.DesiredCount, now)
	out := state.PresentTaskSet(*ts, false)
	return &out, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
