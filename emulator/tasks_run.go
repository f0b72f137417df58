package emulator

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/providers"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
	"github.com/ecsmini/ecsmini/emulator/taskdefs"
	"github.com/ecsmini/ecsmini/fargate"
)

// latestPlatformVersion is what Fargate's LATEST means for Linux tasks.
const latestPlatformVersion = "1.4.0"

// RunTask records count new tasks in PROVISIONING and hands them to the agent; as in
// ECS, the answer comes before any container exists.
func (e *Emulator) RunTask(ctx context.Context, in *ecs.RunTaskInput) (*ecs.TasksOutput, error) {
	count := 1
	if in.Count != nil {
		count = *in.Count
	}
	switch {
	case in.TaskDefinition == "":
		return nil, ecs.InvalidParameter("TaskDefinition can not be blank.")
	case count < 1 || count > 10:
		return nil, ecs.InvalidParameter("count must be between 1 and 10.")
	case in.LaunchType != "" && len(in.CapacityProviderStrategy) > 0:
		return nil, ecs.InvalidParameter("Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.")
	}
	if err := check.LaunchType(in.LaunchType); err != nil {
		return nil, err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	switch in.PropagateTags {
	case "", "NONE", "TASK_DEFINITION":
	case "SERVICE":
		return nil, ecs.InvalidParameter("propagateTags SERVICE applies only to tasks a service starts.")
	default:
		return nil, ecs.InvalidParameter("Invalid propagateTags '%s'. Valid values: %s.", in.PropagateTags, ecs.EnumPropagateTags.List())
	}
	sc := e.st.Scope(ctx)
	out := &ecs.TasksOutput{Tasks: []*ecs.Task{}, Failures: []ecs.Failure{}}
	var created []*ecs.Task
	err := e.store.Update(func(tx *store.Tx) error {
		ck, cluster, err := e.clusterForUse(ctx, tx, in.Cluster)
		if err != nil {
			return err
		}
		if prior := e.tasksWithToken(ck, in.ClientToken); len(prior) > 0 {
			out.Tasks = prior
			return nil
		}
		rec, td, err := e.runnableTaskDef(ctx, in.TaskDefinition)
		if err != nil {
			return err
		}
		launch, providers, err := e.launchPlan(sc, cluster, in, count)
		if err != nil {
			return err
		}
		if err := check.Launch(td, launch, in); err != nil {
			return err
		}
		if err := admission.CheckPlacement(launch, in.PlacementStrategy, in.PlacementConstraints); err != nil {
			return err
		}
		tags := taskTags(in, rec.Tags, cluster.ClusterName)
		how := pendingPlacement{Strategies: in.PlacementStrategy, Constraints: admission.PlacementConstraints(td, in.PlacementConstraints)}
		admit := admission.New(e.st, e.rnd, e.fg.Quotas(), sc.Region, ck, launch, how)
		for i := 0; i < count; i++ {
			t := e.newTask(sc, cluster, td, in, launch, providers[i])
			t.Tags = tags
			tr := &taskRecord{Task: t, ClusterName: cluster.ClusterName, ClientToken: in.ClientToken}
			switch why, closest := admit.Admit(td, tr, providers[i]); why {
			case "":
			case scheduler.PlaceVCPULimit:
				// The whole request fails, as nothing of it may run (ecsmini's choice of
				// exception; the message is ECS's).
				return ecs.Errorf(ecs.CodeLimitExceeded, "%s.", scheduler.VCPULimitMessage)
			case scheduler.PlaceNoInstances:
				return ecs.InvalidParameter("No Container Instances were found in your cluster.")
			default:
				// A static host port another task holds on this machine is RESOURCE:PORTS.
				out.Failures = append(out.Failures, ecs.Failure{Arn: closest, Reason: why})
				continue
			}
			id := t.TaskArn[strings.LastIndexByte(t.TaskArn, '/')+1:]
			e.tasks.Put(tx, state.TaskKey(sc.Region, cluster.ClusterName, id), tr)
			out.Tasks, created = append(out.Tasks, t), append(created, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	e.ev.Tasks(created...) // before the agent can report on them
	for _, t := range out.Tasks {
		e.fg.Launch(t.TaskArn)
	}
	return out, nil
}

// runnableTaskDef resolves the task definition a task is started from: it must be
// ACTIVE.
func (e *Emulator) runnableTaskDef(ctx context.Context, ref string) (*taskDefRecord, *ecs.TaskDefinition, error) {
	_, rec, err := taskdefs.Resolve(ctx, e.st, ref)
	if err != nil {
		return nil, nil, err
	}
	if rec.Status != ecs.TaskDefActive {
		return nil, nil, ecs.ClientError("TaskDefinition is inactive")
	}
	td, err := rec.Decode()
	if err != nil {
		return nil, nil, err
	}
	return rec, td, nil
}

// clusterForUse resolves the cluster a task goes to, creating the default cluster on
// first use, as ECS does.
func (e *Emulator) clusterForUse(ctx context.Context, tx *store.Tx, ref string) (string, *ecs.Cluster, error) {
	k, name, err := e.st.ClusterKey(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	if name != defaultCluster {
		return e.st.ActiveCluster(ctx, ref)
	}
	if c, ok := e.clusters.Get(k); ok && c.Status == ecs.ClusterActive {
		return k, c, nil
	}
	sc := ecs.Scope{Region: state.LastRegion(k), Account: e.cfg.AccountID}
	c := &ecs.Cluster{ClusterArn: sc.ClusterARN(name), ClusterName: name, Status: ecs.ClusterActive,
		Settings: e.clusterSettings(sc, nil), Tags: []ecs.Tag{}}
	e.clusters.Put(tx, k, c)
	e.st.ClusterGone.Delete(tx, k) // a deleted default cluster comes back
	return k, c, nil
}

func (e *Emulator) tasksWithToken(clusterKey, token string) []*ecs.Task {
	if token == "" {
		return nil
	}
	var out []*ecs.Task
	prefix := clusterKey + "\x00"
	e.tasks.Ascend(prefix, func(k string, r *taskRecord) bool {
		if len(k) < len(prefix) || k[:len(prefix)] != prefix {
			return false
		}
		if r.ClientToken == token {
			out = append(out, r.Task)
		}
		return true
	})
	return out
}

// launchPlan decides the launch type and, for capacity provider strategies, the
// provider of each task (spec: ecs-control-plane §2.3): the request's launch type, else
// its strategy, else the cluster's default strategy, else EC2.
func (e *Emulator) launchPlan(sc ecs.Scope, c *ecs.Cluster, in *ecs.RunTaskInput, count int) (string, []string, error) {
	none := make([]string, count)
	if in.LaunchType != "" {
		return in.LaunchType, none, nil
	}
	strategy := in.CapacityProviderStrategy
	if len(strategy) == 0 {
		strategy = c.DefaultCapacityProviderStrategy
	}
	if len(strategy) == 0 {
		return ecs.LaunchEC2, none, nil
	}
	normalised, err := providers.CheckStrategy(e.st, sc, strategy, c.CapacityProviders)
	if err != nil {
		return "", nil, err
	}
	providers, err := fargate.Split(normalised, nil, count)
	if err != nil {
		return "", nil, ecs.InvalidParameter("%v", err)
	}
	launch := ecs.LaunchEC2
	if p := normalised[0].CapacityProvider; p == ecs.Fargate || p == ecs.FargateSpot {
		launch = ecs.LaunchFargate
	}
	return launch, providers, nil
}

// newTask builds a task in PROVISIONING from its task definition and the request.
func (e *Emulator) newTask(sc ecs.Scope, c *ecs.Cluster, td *ecs.TaskDefinition, in *ecs.RunTaskInput, launch, provider string) *ecs.Task {
	id := ecs.NewID()
	arn := sc.TaskARN(c.ClusterName, id)
	now := e.cfg.Clock.Now()
	t := &ecs.Task{
		ClusterArn: c.ClusterArn, TaskArn: arn, TaskDefinitionArn: td.TaskDefinitionArn,
		LastStatus: ecs.StatusProvisioning, DesiredStatus: ecs.StatusRunning, Version: 1,
		CreatedAt: ecs.At(now), LaunchType: launch, CapacityProviderName: provider,
		Group: in.Group, StartedBy: in.StartedBy, EnableExecuteCommand: in.EnableExecuteCommand,
		AvailabilityZone: sc.Region + "a", HealthStatus: ecs.HealthUnknown,
		Cpu: ecs.Deref(td.Cpu), Memory: ecs.Deref(td.Memory),
		Attachments: []ecs.Attachment{}, Overrides: overridesEcho(td, in.Overrides),
	}
	if t.Group == "" {
		t.Group = "family:" + td.Family
	}
	if o := in.Overrides; o != nil {
		if o.Cpu != nil {
			t.Cpu = *o.Cpu
		}
		if o.Memory != nil {
			t.Memory = *o.Memory
		}
	}
	if launch == ecs.LaunchFargate {
		t.PlatformVersion, t.PlatformFamily = latestPlatformVersion, "Linux"
		if in.PlatformVersion != "" && in.PlatformVersion != "LATEST" {
			t.PlatformVersion = in.PlatformVersion
		}
		size := 20
		if td.EphemeralStorage != nil {
			size = td.EphemeralStorage.SizeInGiB
		}
		if o := in.Overrides; o != nil && o.EphemeralStorage != nil {
			size = o.EphemeralStorage.SizeInGiB
		}
		t.EphemeralStorage = &ecs.EphemeralStorage{SizeInGiB: size}
	}
	var eniID string
	if ecs.Deref(td.NetworkMode) == ecs.NetworkAwsvpc {
		eniID = ecs.NewUUID()
		subnet := in.NetworkConfiguration.AwsvpcConfiguration.Subnets[0]
		t.Attachments = append(t.Attachments, ecs.Attachment{ID: eniID, Type: "ElasticNetworkInterface", Status: "PRECREATED",
			Details: []ecs.KeyValuePair{{Name: ecs.Ptr("subnetId"), Value: ecs.Ptr(subnet)}}})
	}
	for _, cd := range td.ContainerDefinitions {
		ct := ecs.Container{
			ContainerArn: fmt.Sprintf("arn:aws:ecs:%s:%s:container/%s/%s/%s", sc.Region, sc.Account, c.ClusterName, id, ecs.NewUUID()),
			TaskArn:      arn, Name: ecs.Deref(cd.Name), Image: ecs.Deref(cd.Image), LastStatus: ecs.ContainerPending,
			NetworkBindings: []ecs.NetworkBinding{}, NetworkInterfaces: []ecs.NetworkInterface{}, Cpu: strconv.Itoa(cd.Cpu),
			// ECS reports UNKNOWN for a container without a health check, as for one
			// whose check has not answered yet.
			HealthStatus: ecs.HealthUnknown,
		}
		if cd.Memory != nil {
			ct.Memory = strconv.Itoa(*cd.Memory)
		}
		if cd.MemoryReservation != nil {
			ct.MemoryReservation = strconv.Itoa(*cd.MemoryReservation)
		}
		t.Containers = append(t.Containers, ct)
	}
	return t
}

// taskTags are a new task's tags: the task definition's when propagateTags says so, the
// request's (which win), and with enableECSManagedTags the aws:ecs:clusterName tag ECS
// manages.
func taskTags(in *ecs.RunTaskInput, defTags []ecs.Tag, cluster string) []ecs.Tag {
	var tags []ecs.Tag
	if in.PropagateTags == "TASK_DEFINITION" {
		tags = state.MergeTags(tags, defTags)
	}
	tags = state.MergeTags(tags, in.Tags)
	if in.EnableECSManagedTags {
		tags = state.MergeTags(tags, []ecs.Tag{{Key: ecs.Ptr("aws:ecs:clusterName"), Value: ecs.Ptr(cluster)}})
	}
	return tags
}

// overridesEcho is the overrides block ECS shows on a task: every container named, with
// whatever the request overrode.
func overridesEcho(td *ecs.TaskDefinition, o *ecs.TaskOverride) *ecs.TaskOverride {
	out := &ecs.TaskOverride{}
	if o != nil {
		*out = *o
	}
	given := map[string]ecs.ContainerOverride{}
	for _, co := range out.ContainerOverrides {
		given[co.Name] = co
	}
	out.ContainerOverrides = nil
	for _, cd := range td.ContainerDefinitions {
		co, ok := given[ecs.Deref(cd.Name)]
		if !ok {
			co = ecs.ContainerOverride{Name: ecs.Deref(cd.Name)}
		}
		out.ContainerOverrides = append(out.ContainerOverrides, co)
	}
	return out
}
