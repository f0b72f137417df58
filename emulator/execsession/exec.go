// Package execsession is ECS Exec (ExecuteCommand) on the control plane side.
// ExecuteCommand checks the task and container, records a session and answers its
// streamUrl and one-time token; the data channel (package execchannel, on the same
// listener) opens the session with that token and runs the
// command in the container. Sessions live in memory only: they do not survive a restart,
// as a Session Manager session does not survive its agent.
package execsession

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/mattn/go-shellwords"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
)

// ExecSessionTTL is how long a session's token stays valid before the data channel
// opens it.
const ExecSessionTTL = 5 * time.Minute

// errExecNotEnabled is ECS's answer when the task was not started with
// enableExecuteCommand, or its container's execute command agent is not running.
func errExecNotEnabled() error {
	return ecs.InvalidParameter("The execute command failed because execute command was not enabled when the task was run " +
		"or the execute command agent isn’t running. Wait and try again or run a new task with execute command enabled and try again.")
}

// ExecuteCommand opens an ECS Exec session in a running task's container.
func (e *Sessions) ExecuteCommand(ctx context.Context, in *ecs.ExecuteCommandInput) (*ecs.ExecuteCommandOutput, error) {
	switch {
	case strings.TrimSpace(in.Command) == "":
		return nil, ecs.InvalidParameter("Command cannot be empty.")
	case in.Task == "":
		return nil, ecs.InvalidParameter("Task cannot be empty.")
	case !in.Interactive:
		return nil, ecs.InvalidParameter("Interactive is the only mode supported currently.")
	}
	argv, err := shellwords.Parse(in.Command)
	if err != nil || len(argv) == 0 {
		return nil, ecs.InvalidParameter("Command %q could not be split into words: %v", in.Command, err)
	}
	var target ecs.ExecTarget
	var verr error
	e.st.Store.View(func() {
		_, r, rerr := e.st.ResolveTask(ctx, in.Cluster, in.Task)
		if rerr != nil {
			verr = rerr
			return
		}
		_, cl, _ := e.st.ActiveCluster(ctx, in.Cluster)
		target, verr = execTarget(r.Task, cl, in.Container)
	})
	if verr != nil {
		return nil, verr
	}
	target.Command, target.CommandText = argv, in.Command
	host := ecs.EndpointFrom(ctx)
	if host == "" {
		return nil, fmt.Errorf("ExecuteCommand: no endpoint host in the request context")
	}
	s := e.open(target, e.st.Clock.Now())
	e.emitExec(s.target, "started", fmt.Sprintf("ECS Exec session %s started in container %s: %s", s.id, target.ContainerName, in.Command), nil)
	return &ecs.ExecuteCommandOutput{
		ClusterArn: target.ClusterARN, ContainerArn: target.ContainerARN, ContainerName: target.ContainerName,
		Interactive: true, TaskArn: target.TaskARN,
		Session: ecs.ExecSession{SessionID: s.id, StreamURL: streamURL(host, s.id), TokenValue: s.token},
	}, nil
}

// streamURL is the data channel's WebSocket URL on the listener at host.
func streamURL(host, sessionID string) string {
	return "ws://" + host + ecs.ExecDataChannelPath + sessionID + "?role=publish_subscribe"
}

// execTarget picks the container of t to run the command in and checks ECS's rules:
// exec enabled at launch, the container (and so its agent) running.
func execTarget(t *ecs.Task, cl *ecs.Cluster, container string) (ecs.ExecTarget, error) {
	if !t.EnableExecuteCommand {
		return ecs.ExecTarget{}, errExecNotEnabled()
	}
	var c *ecs.Container
	switch {
	case container != "":
		for i := range t.Containers {
			if t.Containers[i].Name == container {
				c = &t.Containers[i]
			}
		}
		if c == nil {
			return ecs.ExecTarget{}, ecs.InvalidParameter("The container %s does not exist in the task.", container)
		}
	case len(t.Containers) == 1:
		c = &t.Containers[0]
	default:
		return ecs.ExecTarget{}, ecs.InvalidParameter("The task has more than one container. Specify the container to run the command in.")
	}
	if t.LastStatus != ecs.StatusRunning || c.LastStatus != ecs.ContainerRunning || c.RuntimeID == "" {
		return ecs.ExecTarget{}, errExecNotEnabled()
	}
	return ecs.ExecTarget{ClusterARN: t.ClusterArn, TaskARN: t.TaskArn, ContainerARN: c.ContainerArn,
		ContainerName: c.Name, RuntimeID: c.RuntimeID, Logging: execLogging(cl)}, nil
}

// execLogging is the cluster's ECS Exec logging mode (DEFAULT when not configured).
func execLogging(cl *ecs.Cluster) string {
	if cl == nil || cl.Configuration == nil || cl.Configuration.ExecuteCommandConfiguration == nil ||
		cl.Configuration.ExecuteCommandConfiguration.Logging == nil {
		return ecs.ExecLoggingDefault
	}
	return *cl.Configuration.ExecuteCommandConfiguration.Logging
}

// newToken returns a random token of n bytes, hex encoded.
func newToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// emitExec publishes an exec session's step (started, ended, failed) as an event whose
// resource is the task; exitCode is set when the command ended.
func (e *Sessions) emitExec(t ecs.ExecTarget, step, message string, exitCode *int) {
	detail := struct {
		ClusterArn    string `json:"clusterArn"`
		TaskArn       string `json:"taskArn"`
		ContainerName string `json:"containerName"`
		SessionID     string `json:"sessionId"`
		Command       string `json:"command"`
		Step          string `json:"step"`
		ExitCode      *int   `json:"exitCode,omitempty"`
		Message       string `json:"message"`
	}{t.ClusterARN, t.TaskARN, t.ContainerName, t.SessionID, t.CommandText, step, exitCode, message}
	if ev, ok := e.ev.Event(events.ExecSession, events.SourceEcsmini, e.st.RegionOf(t.TaskARN), e.st.Clock.Now(), []string{t.TaskARN}, detail); ok {
		e.ev.Bus().Publish(ev)
	}
}
