package anywhere

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// remoteStore is the task agent's store on a remote machine: it holds the tasks of the
// last poll and the changes the agent made to them, which wait (pending) until they
// have been reported to ecsmini. A change never waits for the network: the sender
// reports it, and reports it again after the link comes back.
type remoteStore struct {
	mu    sync.Mutex
	tasks map[string]*held
	seq   uint64
	wake  chan struct{} // the sender has something to report
	// creds are the task role credentials of the last poll, by task ARN.
	creds map[string]TaskCredentials
}

// held is one task as this machine knows it.
type held struct {
	task *ecs.Task
	def  *ecs.TaskDefinition
	// dirty is the sequence number of the last change not yet reported (0: none).
	dirty uint64
	// dropped: ecsmini no longer lists the task (stopped or replaced meanwhile); its
	// containers are stopped and nothing about it is reported.
	dropped bool
	// health is the container health ecsmini has: as the poll gave it, then as reported.
	health []emulator.AgentContainerHealth
}

func newRemoteStore() *remoteStore {
	return &remoteStore{tasks: map[string]*held{}, wake: make(chan struct{}, 1), creds: map[string]TaskCredentials{}}
}

// Task implements agent.Store.
func (s *remoteStore) Task(arn string) (*ecs.Task, *ecs.TaskDefinition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.tasks[arn]
	if !ok {
		return nil, nil, ecs.InvalidParameter("The referenced task was not found.")
	}
	t, err := cloneTask(h.task)
	return t, h.def, err
}

// UpdateTask implements agent.Store: the change is kept and reported in the background.
func (s *remoteStore) UpdateTask(arn string, change func(t *ecs.Task) error) (*ecs.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.tasks[arn]
	if !ok {
		return nil, ecs.InvalidParameter("The referenced task was not found.")
	}
	t, err := cloneTask(h.task)
	if err != nil {
		return nil, err
	}
	if err := change(t); err != nil {
		return nil, err
	}
	if reflect.DeepEqual(t, h.task) {
		return t, nil
	}
	t.Version++
	h.task = t
	if !h.dropped {
		s.seq++
		h.dirty = s.seq
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	return cloneTask(t)
}

// merge takes in a poll's work and says which tasks are new (launch them) and which
// changed or went away (nudge their runners).
func (s *remoteStore) merge(w *emulator.AgentWork, now time.Time) (launch, nudge []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	listed := map[string]bool{}
	for _, at := range w.Tasks {
		if at.Task == nil || at.TaskDefinition == nil {
			continue
		}
		arn := at.Task.TaskArn
		listed[arn] = true
		h, ok := s.tasks[arn]
		if !ok {
			s.tasks[arn] = &held{task: at.Task, def: at.TaskDefinition, health: healthOf(at.Task)}
			launch = append(launch, arn)
			continue
		}
		if at.Task.DesiredStatus == ecs.StatusStopped && h.task.DesiredStatus != ecs.StatusStopped {
			t := *h.task
			t.DesiredStatus, t.StopCode, t.StoppedReason, t.StoppingAt = ecs.StatusStopped, at.Task.StopCode, at.Task.StoppedReason, at.Task.StoppingAt
			h.task = &t
			nudge = append(nudge, arn)
		}
	}
	for arn, h := range s.tasks {
		if listed[arn] {
			continue
		}
		switch {
		case h.task.LastStatus == ecs.StatusStopped && h.dirty == 0:
			delete(s.tasks, arn) // finished and reported: ecsmini is done with it
		case h.task.LastStatus != ecs.StatusStopped && !h.dropped:
			// ecsmini stopped it while this machine was away (its service replaced it):
			// stop its containers, report nothing more.
			t := *h.task
			if t.DesiredStatus != ecs.StatusStopped {
				t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopServiceSchedulerInitiated, "Task replaced while its instance was disconnected"
				t.StoppingAt = ecs.At(now)
			}
			h.task, h.dropped, h.dirty = &t, true, 0
			nudge = append(nudge, arn)
		case h.dropped && h.task.LastStatus == ecs.StatusStopped:
			delete(s.tasks, arn)
		}
	}
	return launch, nudge
}

// setCredentials keeps a poll's credentials: a task's latest replace its earlier ones;
// those of a task no longer listed go.
func (s *remoteStore) setCredentials(list []TaskCredentials) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds = make(map[string]TaskCredentials, len(list))
	for _, c := range list {
		s.creds[c.TaskArn] = c
	}
}

// credentials are the task agent's Credentials: what ecsmini issued for the task's
// role with the task. A role ecsmini did not issue for gets none (empty keys).
func (s *remoteStore) credentials(_ time.Time, taskARN, role string) metadata.Credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[taskARN]
	if !ok || c.RoleArn != role {
		return metadata.Credentials{RoleARN: role}
	}
	return metadata.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken,
		Expiration: c.Expiration, RoleARN: c.RoleArn}
}

// report is a task change waiting to be sent.
type report struct {
	seq  uint64
	task *ecs.Task
	// health is the task's container health when ecsmini has other (nil: nothing new).
	health []emulator.AgentContainerHealth
}

// pending lists the changes not yet reported, oldest first.
func (s *remoteStore) pending() []report {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []report
	for _, h := range s.tasks {
		if h.dirty != 0 && !h.dropped {
			t, err := cloneTask(h.task)
			if err != nil {
				continue
			}
			r := report{seq: h.dirty, task: t}
			if hs := healthOf(t); !slices.Equal(hs, h.health) {
				r.health = hs
			}
			out = append(out, r)
		}
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].seq < out[j-1].seq; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// reported marks a change sent, unless the task changed again meanwhile.
func (s *remoteStore) reported(arn string, seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.tasks[arn]; ok && h.dirty == seq {
		h.dirty = 0
	}
}

// healthReported records that ecsmini has hs as the health of arn's containers.
func (s *remoteStore) healthReported(arn string, hs []emulator.AgentContainerHealth) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.tasks[arn]; ok {
		h.health = hs
	}
}

// healthOf is the healthStatus of t's containers, those that have one, in order.
func healthOf(t *ecs.Task) []emulator.AgentContainerHealth {
	var out []emulator.AgentContainerHealth
	for _, c := range t.Containers {
		if c.HealthStatus != "" {
			out = append(out, emulator.AgentContainerHealth{ContainerName: c.Name, HealthStatus: c.HealthStatus})
		}
	}
	return out
}

// cloneTask copies a task deeply (its JSON form is the whole of it).
func cloneTask(t *ecs.Task) (*ecs.Task, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("copy task: %w", err)
	}
	var out ecs.Task
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("copy task: %w", err)
	}
	return &out, nil
}

// stateChange is the SubmitTaskStateChange that reports t as it is now.
func stateChange(cluster string, t *ecs.Task) *ecs.SubmitTaskStateChangeInput {
	in := &ecs.SubmitTaskStateChangeInput{Cluster: cluster, Task: t.TaskArn, Status: t.LastStatus.String(),
		PullStartedAt: t.PullStartedAt, PullStoppedAt: t.PullStoppedAt, ExecutionStoppedAt: t.ExecutionStoppedAt}
	if t.LastStatus == ecs.StatusStopped {
		in.Reason = t.StoppedReason
	}
	for _, c := range t.Containers {
		in.Containers = append(in.Containers, ecs.ContainerStateChange{ContainerName: c.Name, ImageDigest: c.ImageDigest,
			RuntimeID: c.RuntimeID, ExitCode: c.ExitCode, NetworkBindings: c.NetworkBindings, Reason: c.Reason, Status: c.LastStatus})
	}
	return in
}
