package anywhere

import (
	"context"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// The agent-side ECS operations: what a container agent calls besides
// RegisterContainerInstance. ecsmini's own agent (`ecsmini agent`) uses them to report
// the tasks of its external instance; any client may call them for any task, as ECS
// lets an agent's credentials do.

// ack is the acknowledgment the Submit*StateChange operations answer with.
const ack = "ACK"

// DiscoverPollEndpoint tells an agent where to open its sessions. ECS answers with its
// ACS, TCS and Service Connect hosts; ecsmini with its own URL as the caller reached
// it, where `ecsmini agent` polls for work (/_ecsmini/agent/poll).
func (ag *Agents) DiscoverPollEndpoint(ctx context.Context, in *ecs.DiscoverPollEndpointInput) (*ecs.DiscoverPollEndpointOutput, error) {
	var err error
	if in.Cluster != "" || in.ContainerInstance != "" {
		// An agent that names its cluster or instance must name ones that exist; one that
		// names neither is only told where to go.
		ag.st.Store.View(func() {
			var ck string
			ck, _, err = ag.st.ActiveCluster(ctx, in.Cluster)
			if err == nil && in.ContainerInstance != "" {
				_, _, err = ag.st.ResolveInstance(ck, in.ContainerInstance)
			}
		})
	}
	if err != nil {
		return nil, err
	}
	host := ecs.EndpointFrom(ctx)
	if host == "" {
		host = "127.0.0.1:4599"
	}
	url := "http://" + host + "/"
	return &ecs.DiscoverPollEndpointOutput{Endpoint: url, TelemetryEndpoint: url, ServiceConnectEndpoint: url}, nil
}

// SubmitTaskStateChange records a task's change as its agent reports it: its status
// (forward only: a report that would move it back is acknowledged and ignored, as is
// any report about a task already STOPPED), its containers, pull and stop times.
func (ag *Agents) SubmitTaskStateChange(ctx context.Context, in *ecs.SubmitTaskStateChangeInput) (*ecs.AcknowledgmentOutput, error) {
	var status ecs.TaskStatus
	if in.Status != "" {
		s, err := ecs.ParseTaskStatus(in.Status)
		if err != nil || s == ecs.StatusUnknown || s > ecs.StatusStopped {
			return nil, ecs.InvalidParameter("Invalid task status %s.", in.Status)
		}
		status = s
	}
	for _, c := range in.Containers {
		if err := checkContainerStatus(c.Status); err != nil {
			return nil, err
		}
	}
	names := make([]string, len(in.Containers))
	for i, c := range in.Containers {
		names[i] = c.ContainerName
	}
	arn, err := ag.reportedTask(ctx, in.Cluster, in.Task, names...)
	if err != nil {
		return nil, err
	}
	if err := ag.applyReport(arn, func(t *ecs.Task) error {
		for _, c := range in.Containers {
			if err := applyContainer(t, c); err != nil {
				return err
			}
		}
		if in.PullStartedAt != nil && t.PullStartedAt == nil {
			t.PullStartedAt = in.PullStartedAt
		}
		if in.PullStoppedAt != nil && t.PullStoppedAt == nil {
			t.PullStoppedAt = in.PullStoppedAt
		}
		if in.ExecutionStoppedAt != nil && t.ExecutionStoppedAt == nil {
			t.ExecutionStoppedAt = in.ExecutionStoppedAt
		}
		for _, m := range in.ManagedAgents {
			applyManagedAgent(t, m)
		}
		if status != ecs.StatusUnknown && t.LastStatus.CanMove(status) {
			ag.moveReported(t, status, in.Reason)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return &ecs.AcknowledgmentOutput{Acknowledgment: ack}, nil
}

// SubmitContainerStateChange records one container's change.
func (ag *Agents) SubmitContainerStateChange(ctx context.Context, in *ecs.SubmitContainerStateChangeInput) (*ecs.AcknowledgmentOutput, error) {
	if err := checkContainerStatus(in.Status); err != nil {
		return nil, err
	}
	arn, err := ag.reportedTask(ctx, in.Cluster, in.Task, in.ContainerName)
	if err != nil {
		return nil, err
	}
	change := ecs.ContainerStateChange{ContainerName: in.ContainerName, RuntimeID: in.RuntimeID, Status: in.Status,
		ExitCode: in.ExitCode, Reason: in.Reason, NetworkBindings: in.NetworkBindings}
	if err := ag.applyReport(arn, func(t *ecs.Task) error { return applyContainer(t, change) }); err != nil {
		return nil, err
	}
	return &ecs.AcknowledgmentOutput{Acknowledgment: ack}, nil
}

// SubmitAttachmentStateChanges records the status of task attachments (ENIs), found by
// their ARN among the cluster's tasks.
func (ag *Agents) SubmitAttachmentStateChanges(ctx context.Context, in *ecs.SubmitAttachmentStateChangesInput) (*ecs.AcknowledgmentOutput, error) {
	if len(in.Attachments) == 0 {
		return nil, ecs.InvalidParameter("attachments can not be empty.")
	}
	want := map[string]string{}
	for _, a := range in.Attachments {
		if a.AttachmentArn == "" || a.Status == "" {
			return nil, ecs.InvalidParameter("attachmentArn and status are required for each attachment.")
		}
		want[a.AttachmentArn[strings.LastIndexByte(a.AttachmentArn, '/')+1:]] = a.Status
	}
	var touched []*ecs.Task
	err := ag.st.Store.Update(func(tx *store.Tx) error {
		ck, _, err := ag.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		prefix := ck + "\x00"
		found := map[string]bool{}
		ag.st.Tasks.Ascend(prefix, func(k string, r *state.Task) bool {
			if !strings.HasPrefix(k, prefix) {
				return false
			}
			var t *ecs.Task
			for i, a := range r.Task.Attachments {
				s, ok := want[a.ID]
				if !ok {
					continue
				}
				found[a.ID] = true
				if a.Status == s {
					continue
				}
				if t == nil {
					t = state.CloneTask(r.Task)
				}
				t.Attachments[i].Status = s
			}
			if t != nil {
				t.Version++
				next := *r
				next.Task = t
				ag.st.Tasks.Put(tx, k, &next)
				touched = append(touched, t)
			}
			return true
		})
		for id := range want {
			if !found[id] {
				return ecs.InvalidParameter("The referenced attachment %s was not found.", id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ag.h.EmitTasks(touched...)
	return &ecs.AcknowledgmentOutput{Acknowledgment: ack}, nil
}

// UpdateContainerAgent asks ECS to update an instance's agent. External instances
// cannot be updated this way (the ECS Anywhere page); a simulated EC2 instance already
// runs the agent version ecsmini simulates.
func (ag *Agents) UpdateContainerAgent(ctx context.Context, in *ecs.UpdateContainerAgentInput) (*ecs.ContainerInstanceOutput, error) {
	if in.ContainerInstance == "" {
		return nil, ecs.InvalidParameter("containerInstance can not be blank.")
	}
	var r *state.Instance
	var err error
	ag.st.Store.View(func() {
		var ck string
		ck, _, err = ag.st.ActiveCluster(ctx, in.Cluster)
		if err == nil {
			_, r, err = ag.st.ResolveInstance(ck, in.ContainerInstance)
		}
	})
	switch {
	case err != nil:
		return nil, err
	case r.External:
		return nil, ecs.InvalidParameter("Agent updates are not supported for external container instances; update the agent on the machine itself.")
	case r.Instance.Status == ecs.InstanceInactive:
		return nil, ecs.InvalidParameter("The referenced container instance %s is not active.", in.ContainerInstance)
	case !r.Instance.AgentConnected:
		return nil, ecs.InvalidParameter("The container instance's agent is not connected.")
	}
	return nil, ecs.Errorf("NoUpdateAvailableException", "There is no update available for your container agent.")
}

// reportedTask resolves the task a report is about, which must have the containers
// the report names.
func (ag *Agents) reportedTask(ctx context.Context, cluster, task string, containers ...string) (string, error) {
	if task == "" {
		return "", ecs.InvalidParameter("task can not be blank.")
	}
	var r *state.Task
	var err error
	ag.st.Store.View(func() { _, r, err = ag.st.ResolveTask(ctx, cluster, task) })
	if err != nil {
		return "", err
	}
	for _, name := range containers {
		if !slices.ContainsFunc(r.Task.Containers, func(c ecs.Container) bool { return c.Name == name }) {
			return "", ecs.InvalidParameter("The task has no container named %s.", name)
		}
	}
	return r.Task.TaskArn, nil
}

// applyReport applies an agent's report to a task that is not STOPPED yet, then has
// the services and capacity look again, as the local agent's updates do.
func (ag *Agents) applyReport(arn string, change func(t *ecs.Task) error) error {
	_, err := ag.h.UpdateTask(arn, func(t *ecs.Task) error {
		if t.LastStatus == ecs.StatusStopped {
			return nil // a late report of a task ecsmini already stopped
		}
		return change(t)
	})
	return err
}

// moveReported moves a task to the status its agent reported, with the times ECS
// stamps on the way.
func (ag *Agents) moveReported(t *ecs.Task, status ecs.TaskStatus, reason string) {
	now := ecs.At(ag.st.Clock.Now())
	t.LastStatus = status
	if status >= ecs.StatusRunning && t.StartedAt == nil && status < ecs.StatusStopped {
		t.StartedAt = now
		if t.Connectivity == "" {
			t.Connectivity, t.ConnectivityAt = "CONNECTED", now
		}
	}
	if status >= ecs.StatusDeactivating && t.StoppingAt == nil {
		t.StoppingAt = now
	}
	if status != ecs.StatusStopped {
		return
	}
	if t.DesiredStatus != ecs.StatusStopped {
		// The agent stopped it on its own: an essential container exited, or the task
		// could not start.
		t.DesiredStatus = ecs.StatusStopped
		t.StopCode = ecs.StopEssentialContainerExited
		if t.StartedAt == nil {
			t.StopCode = ecs.StopTaskFailedToStart
		}
	}
	if t.StoppedReason == "" {
		t.StoppedReason = reason
	}
	t.StoppedAt = now
	if t.ExecutionStoppedAt == nil {
		t.ExecutionStoppedAt = now
	}
}

// checkContainerStatus validates a reported container status.
func checkContainerStatus(s string) error {
	switch s {
	case "", ecs.ContainerPending, ecs.ContainerRunning, ecs.ContainerStopped:
		return nil
	}
	return ecs.InvalidParameter("Invalid container status %s.", s)
}

// containerRank orders container statuses: they only move forward.
func containerRank(s string) int {
	switch s {
	case ecs.ContainerPending:
		return 1
	case ecs.ContainerRunning:
		return 2
	case ecs.ContainerStopped:
		return 3
	}
	return 0
}

// applyContainer applies one container's reported change.
func applyContainer(t *ecs.Task, c ecs.ContainerStateChange) error {
	for i := range t.Containers {
		ct := &t.Containers[i]
		if ct.Name != c.ContainerName {
			continue
		}
		if c.RuntimeID != "" {
			ct.RuntimeID = c.RuntimeID
		}
		if c.ImageDigest != "" {
			ct.ImageDigest = c.ImageDigest
		}
		if containerRank(c.Status) > containerRank(ct.LastStatus) {
			ct.LastStatus = c.Status
		}
		if c.ExitCode != nil {
			code := *c.ExitCode
			ct.ExitCode = &code
		}
		if c.Reason != "" {
			ct.Reason = c.Reason
		}
		if c.NetworkBindings != nil {
			ct.NetworkBindings = append([]ecs.NetworkBinding{}, c.NetworkBindings...)
		}
		if ct.LastStatus == ecs.ContainerStopped {
			ct.NetworkBindings = []ecs.NetworkBinding{}
		}
		return nil
	}
	return ecs.InvalidParameter("The task has no container named %s.", c.ContainerName)
}

// applyManagedAgent records a managed agent's (ECS Exec's) reported status.
func applyManagedAgent(t *ecs.Task, m ecs.ManagedAgentStateChange) {
	for i := range t.Containers {
		if t.Containers[i].Name != m.ContainerName {
			continue
		}
		for j := range t.Containers[i].ManagedAgents {
			if t.Containers[i].ManagedAgents[j].Name == m.ManagedAgentName {
				t.Containers[i].ManagedAgents[j].LastStatus = m.Status
				t.Containers[i].ManagedAgents[j].Reason = m.Reason
			}
		}
	}
}
