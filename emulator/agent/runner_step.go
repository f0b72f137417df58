package agent

import (
	"context"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// step observes the task's containers, plans, carries the plan out and records what it
// saw. It reports done once the task is STOPPED.
func (r *runner) step(ctx context.Context) (bool, error) {
	task, td, err := r.a.cfg.Store.Task(r.arn)
	if err != nil {
		r.abandon(ctx) // forgotten by a reset: take its containers down with it
		return true, err
	}
	if task.LastStatus == ecs.StatusStopped {
		return true, nil
	}
	defer func() { r.pauseSeen = nil }() // the next step looks again
	observed := r.observe(ctx)
	in := r.planInput(task, td, observed)
	if task.DesiredStatus == ecs.StatusRunning {
		in.NetworkLost = r.networkLost(ctx, task)
	}
	plan := PlanTask(in)
	r.settle(task, in, plan)
	if plan.Stop != nil && task.DesiredStatus == ecs.StatusRunning {
		now := r.stopTime(task, in, plan)
		if task, err = r.update(func(t *ecs.Task) error {
			t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, plan.Stop.Code, plan.Stop.Reason
			t.StoppingAt, t.ExecutionStoppedAt = ecs.At(now), ecs.At(now)
			return nil
		}); err != nil {
			return false, err
		}
	}
	for _, s := range plan.Steps {
		if err := r.execute(ctx, s, task, td); err != nil {
			r.failStart(err)
			r.nudge()
			break
		}
	}
	if len(plan.Steps) > 0 {
		observed = r.observe(ctx)
	}
	if task, err = r.record(ctx, task, td, observed, plan); err != nil {
		return false, err
	}
	if task.DesiredStatus == ecs.StatusStopped && !anyRunning(observed) {
		return true, r.deprovision(ctx)
	}
	if len(plan.Waiting) > 0 {
		r.rearm(time.Second) // dependency deadlines are checked on the clock
	}
	return false, nil
}

func (r *runner) rearm(d time.Duration) {
	if r.timer != nil {
		r.timer.Stop()
	}
	r.timer = r.a.after(r, d)
}

// anyRunning reports whether a container still runs. One that was created but never
// started (its start failed) stays "created" for good: it does not hold the task up.
func anyRunning(observed map[string]*containers.State) bool {
	for _, s := range observed {
		if s != nil && s.Status == containers.Running {
			return true
		}
	}
	return false
}

// observe inspects every container the task has created. A container that vanished
// (removed behind ecsmini's back) counts as exited with 137, as if killed.
func (r *runner) observe(ctx context.Context) map[string]*containers.State {
	out := make(map[string]*containers.State, len(r.ids))
	for name, id := range r.ids {
		st, err := r.a.cfg.Runtime.Inspect(ctx, id)
		switch {
		case isGone(err):
			st = containers.State{ID: id, Status: containers.Exited, ExitCode: 137, Error: "container removed outside ecsmini"}
		case err != nil:
			r.a.cfg.Log.Error("inspect", "task", r.arn, "container", name, "err", err)
			continue
		}
		out[name] = &st
	}
	return out
}

func (r *runner) planInput(task *ecs.Task, td *ecs.TaskDefinition, observed map[string]*containers.State) Task {
	in := Task{Desired: task.DesiredStatus, Now: r.a.cfg.Clock.Now()}
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		name := ecs.Deref(cd.Name)
		c := Container{Name: name, Essential: cd.IsEssential(), DependsOn: cd.DependsOn,
			HasHealthCheck: cd.HealthCheck != nil, StopTimeout: StopTimeout(cd, task.LaunchType), Observed: observed[name]}
		if cd.StartTimeout != nil {
			c.StartTimeout = time.Duration(*cd.StartTimeout) * time.Second
		}
		in.Containers = append(in.Containers, c)
	}
	return in
}

// execute carries out one step. Stops run in the background: they can take the whole
// stop timeout, and their end arrives as a runtime event.
func (r *runner) execute(ctx context.Context, s Step, task *ecs.Task, td *ecs.TaskDefinition) error {
	rt := r.a.cfg.Runtime
	switch s.Kind {
	case StepStop:
		id := r.ids[s.Container]
		if id == "" || !r.stopBegins(s.Container) {
			return nil
		}
		r.a.cfg.Activity.Add(1) // the stop's own token: it may wait out the stop timeout
		go func() {
			defer r.a.cfg.Activity.Done()
			if err := rt.Stop(ctx, id, s.Timeout); err != nil && !isGone(err) && ctx.Err() == nil {
				// Try again a second later, rather than leave the container running and
				// the task STOPPING for good.
				r.a.cfg.Log.Error("stop", "task", r.arn, "container", s.Container, "err", err)
				r.stopFailed(s.Container)
				r.a.after(r, time.Second)
				return
			}
			r.nudge()
		}()
		return nil
	case StepStart:
		if err := r.prepare(ctx, task, td); err != nil {
			return err
		}
		id, early := r.early[s.Container]
		if early {
			delete(r.early, s.Container)
			if len(r.early) == 0 {
				r.early = nil // the map's room is not given back by delete
			}
		} else {
			spec, err := r.containerSpec(task, td, s.Container)
			if err != nil {
				return err
			}
			if id, err = rt.Create(ctx, spec); err != nil {
				return fmt.Errorf("CannotCreateContainerError: %w", err)
			}
		}
		r.ids[s.Container] = id
		if err := rt.Start(ctx, id); err != nil {
			if perr := r.pauseExited(ctx); perr != nil {
				return perr
			}
			return fmt.Errorf("CannotStartContainerError: %w", err)
		}
		r.a.logf(r.arn, "started %s: %s", s.Container, s.Cause)
	}
	return nil
}

// containerSpec is what the runtime is asked to create for a container of the task.
func (r *runner) containerSpec(task *ecs.Task, td *ecs.TaskDefinition, name string) (containers.Spec, error) {
	in := SpecInput{Task: r.info, Container: containerDef(td, name), Override: containerOverride(task, name),
		DockerName: DockerName(r.info, name), NetworkMode: r.network, HostIP: r.publishIP(),
		ContainerIDs: r.ids, Volumes: r.volumes, ExtraEnv: r.envFiles[name], Secrets: r.secrets[name]}
	if err := r.endpointsFor(&in, task, td, name); err != nil {
		return containers.Spec{}, fmt.Errorf("ResourceInitializationError: %w", err)
	}
	spec, err := ContainerSpec(in)
	if err != nil {
		return containers.Spec{}, fmt.Errorf("CannotCreateContainerError: %w", err)
	}
	if r.pauseID != "" {
		spec.Labels[LabelPauseID] = r.pauseID // how a later ecsmini finds a pooled one
	}
	return spec, nil
}

func containerDef(td *ecs.TaskDefinition, name string) *ecs.ContainerDefinition {
	for i := range td.ContainerDefinitions {
		if ecs.Deref(td.ContainerDefinitions[i].Name) == name {
			return &td.ContainerDefinitions[i]
		}
	}
	return nil
}

func containerOverride(t *ecs.Task, name string) *ecs.ContainerOverride {
	if t.Overrides == nil {
		return nil
	}
	for i := range t.Overrides.ContainerOverrides {
		if t.Overrides.ContainerOverrides[i].Name == name {
			return &t.Overrides.ContainerOverrides[i]
		}
	}
	return nil
}

// record writes what the runtime reports into the task: container statuses, exit codes,
// reasons, health and bindings, then the task's status, health and timestamps.
func (r *runner) record(ctx context.Context, task *ecs.Task, td *ecs.TaskDefinition, observed map[string]*containers.State, plan Plan) (*ecs.Task, error) {
	ports := map[string][]containers.PortBinding{}
	if r.pauseID != "" {
		if st, err := r.pauseState(ctx); err == nil {
			ports[""] = st.Ports
		}
	}
	return r.update(func(t *ecs.Task) error {
		now := r.a.cfg.Clock.Now()
		for i := range t.Containers {
			c := &t.Containers[i]
			if reason := plan.Reasons[c.Name]; reason != "" {
				c.Reason = reason
			}
			st := observed[c.Name]
			if st == nil {
				continue
			}
			if st.Error != "" && c.Reason == "" {
				c.Reason = st.Error
			}
			c.RuntimeID = st.ID
			if c.HealthStatus != "" {
				c.HealthStatus = ContainerHealth(st)
			}
			switch st.Status {
			case containers.Running:
				c.LastStatus = ecs.ContainerRunning
				c.NetworkBindings = bindings(st.Ports, ports[""], containerDef(td, c.Name))
			case containers.Exited:
				c.LastStatus = ecs.ContainerStopped
				c.ExitCode = ecs.Ptr(st.ExitCode)
			}
			setExecAgent(t, c, now)
		}
		if t.LastStatus.CanMove(plan.Status) && plan.Status != ecs.StatusStopped {
			if plan.Status == ecs.StatusRunning && t.StartedAt == nil {
				t.StartedAt = ecs.At(now)
			}
			t.LastStatus = plan.Status
		}
		t.HealthStatus = plan.Health
		return nil
	})
}

// bindings reports a container's published ports. An awsvpc container publishes none of
// its own: it reports those of the pause container's ports that its portMappings declare.
func bindings(own, shared []containers.PortBinding, cd *ecs.ContainerDefinition) []ecs.NetworkBinding {
	src := own
	if len(src) == 0 && cd != nil {
		for _, p := range shared {
			if declares(cd, p) {
				src = append(src, p)
			}
		}
	}
	out := make([]ecs.NetworkBinding, 0, len(src))
	for _, p := range src {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		out = append(out, ecs.NetworkBinding{BindIP: p.HostIP, ContainerPort: ecs.Ptr(p.ContainerPort), HostPort: ecs.Ptr(p.HostPort), Protocol: proto})
	}
	return out
}

// endpointsFor gives a container its metadata token and, when the task has a role,
// its credentials, and puts their URIs in the spec input.
func (r *runner) endpointsFor(in *SpecInput, task *ecs.Task, td *ecs.TaskDefinition, name string) error {
	if r.base == "" {
		return nil
	}
	token := r.a.tokenFor(r.arn, name)
	r.a.register(token, r.arn, name)
	in.MetadataURIV4 = r.base + metadata.V4Path(token)
	in.MetadataURIV3 = r.base + metadata.V3Path(token)
	in.AgentURI = r.base + "/api/" + token
	role := ecs.Deref(td.TaskRoleArn)
	if task.Overrides != nil && task.Overrides.TaskRoleArn != nil {
		role = *task.Overrides.TaskRoleArn
	}
	if role == "" {
		return nil
	}
	id := r.a.credentialsIDFor(r.arn, role)
	r.a.registerCredentials(id, r.arn, r.a.credentialsFor(r.arn, role))
	if r.loopback {
		in.CredentialsFullURI = r.base + metadata.CredentialsPath(id)
	} else {
		in.CredentialsRelativeURI = metadata.CredentialsPath(id)
	}
	return nil
}

// registerAll re-registers an adopted task's metadata tokens and credentials, which
// derive from the agent key, so its containers' URIs answer again.
func (r *runner) registerAll(task *ecs.Task, td *ecs.TaskDefinition) {
	if r.base == "" {
		return
	}
	for name := range r.ids {
		r.a.register(r.a.tokenFor(r.arn, name), r.arn, name)
	}
	role := ecs.Deref(td.TaskRoleArn)
	if task.Overrides != nil && task.Overrides.TaskRoleArn != nil {
		role = *task.Overrides.TaskRoleArn
	}
	if role != "" {
		r.a.registerCredentials(r.a.credentialsIDFor(r.arn, role), r.arn, r.a.credentialsFor(r.arn, role))
	}
}

// declares reports whether the container's portMappings include the published port.
func declares(cd *ecs.ContainerDefinition, p containers.PortBinding) bool {
	for _, pm := range cd.PortMappings {
		proto := ecs.Deref(pm.Protocol)
		if proto == "" {
			proto = "tcp"
		}
		pp := p.Protocol
		if pp == "" {
			pp = "tcp"
		}
		if pm.ContainerPort != nil && *pm.ContainerPort == p.ContainerPort && proto == pp {
			return true
		}
	}
	return false
}

// deprovision removes the task's containers, pause container and task-scoped volumes
// and records STOPPED.
func (r *runner) deprovision(ctx context.Context) error {
	if _, err := r.update(func(t *ecs.Task) error {
		if t.LastStatus.CanMove(ecs.StatusDeprovisioning) {
			t.LastStatus = ecs.StatusDeprovisioning
		}
		return nil
	}); err != nil {
		return err
	}
	rt := r.a.cfg.Runtime
	r.removeEarly(ctx)
	for name, id := range r.ids {
		if err := rt.Remove(ctx, id); err != nil {
			r.a.cfg.Log.Error("remove container", "task", r.arn, "container", name, "err", err)
		}
	}
	if r.pauseID != "" {
		if err := rt.Remove(ctx, r.pauseID); err != nil {
			r.a.cfg.Log.Error("remove pause container", "task", r.arn, "err", err)
		}
		r.a.releasePause(r.pauseID)
	}
	r.removeVolumes(ctx)
	if r.timer != nil {
		r.timer.Stop()
	}
	r.a.forget(r.arn)
	_, err := r.update(func(t *ecs.Task) error {
		now := r.a.cfg.Clock.Now()
		if !r.settledAt.IsZero() {
			now = r.settledAt // the task stopped while ecsmini was not running
		}
		t.LastStatus, t.StoppedAt = ecs.StatusStopped, ecs.At(now)
		if t.ExecutionStoppedAt == nil {
			t.ExecutionStoppedAt = ecs.At(now)
		}
		for i := range t.Attachments {
			t.Attachments[i].Status = "DELETED"
		}
		for i := range t.Containers {
			if t.Containers[i].LastStatus != ecs.ContainerStopped {
				t.Containers[i].LastStatus = ecs.ContainerStopped
			}
			setExecAgent(t, &t.Containers[i], now)
			t.Containers[i].NetworkBindings = []ecs.NetworkBinding{}
		}
		return nil
	})
	return err
}

// createEarly creates, ahead of their start step, the containers that nothing has to
// happen before (no dependsOn, volumesFrom or links), so that the first containers of a
// task with a task network exist by the time its pause container runs. A failure is left for the
// start step, which creates the container again and reports it in ECS's words.
func (r *runner) createEarly(ctx context.Context, task *ecs.Task, td *ecs.TaskDefinition) {
	if !r.taskNet || task.DesiredStatus != ecs.StatusRunning {
		return
	}
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		name := ecs.Deref(cd.Name)
		if len(cd.DependsOn) > 0 || len(cd.VolumesFrom) > 0 || len(cd.Links) > 0 || r.ids[name] != "" {
			continue
		}
		spec, err := r.containerSpec(task, td, name)
		if err != nil {
			continue
		}
		id, err := r.a.cfg.Runtime.Create(ctx, spec)
		if err != nil {
			continue
		}
		if r.early == nil {
			r.early = map[string]string{}
		}
		r.early[name] = id
	}
}

// removeEarly removes the containers created early that never started.
func (r *runner) removeEarly(ctx context.Context) {
	for name, id := range r.early {
		if err := r.a.cfg.Runtime.Remove(ctx, id); err != nil {
			r.a.cfg.Log.Error("remove container", "task", r.arn, "container", name, "err", err)
		}
	}
	r.early = nil
}
