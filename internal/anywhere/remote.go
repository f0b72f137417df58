package anywhere

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The agent's side of the agent endpoints: what its tasks need of ecsmini, asked over
// the join-token channel.

// callTimeout bounds one call to an agent endpoint.
const callTimeout = 30 * time.Second

// errNotServed: the ecsmini does not serve the endpoint (an older version).
var errNotServed = errors.New("this ecsmini does not serve the endpoint")

// call posts in to path and decodes the answer into out; an error answer is an
// *ecs.Error with ecsmini's code and message.
func (a *Agent) call(ctx context.Context, path string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.Endpoint+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.poll.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Type != "" {
			return &ecs.Error{Code: e.Type, Message: e.Message}
		}
		if resp.StatusCode == http.StatusNotFound {
			return fmt.Errorf("%s: %w", path, errNotServed)
		}
		return fmt.Errorf("%s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s: %s answered with something unexpected: %w", path, a.cfg.Endpoint, err)
	}
	return nil
}

// remoteSecrets is the task agent's SecretSource: ecsmini's own source, asked for the
// references of this machine's tasks.
type remoteSecrets struct{ a *Agent }

func (s remoteSecrets) Lookup(ref string) (string, error) {
	var out SecretAnswer
	err := s.a.call(context.Background(), SecretPath, SecretRequest{Cluster: s.a.cfg.Cluster, ContainerInstance: s.a.arn, Ref: ref}, &out)
	var ee *ecs.Error
	switch {
	case errors.As(err, &ee) && ee.Code == codeSecretNotFound:
		return "", fmt.Errorf("%s: %w", ee.Message, agent.ErrSecretNotFound)
	case errors.As(err, &ee) && ee.Code == codeNoSecretsSource:
		return "", fmt.Errorf("%s: %w", ee.Message, agent.ErrNoSecretsSource)
	}
	if err != nil {
		return "", fmt.Errorf("asking ecsmini for %s: %w", ref, err)
	}
	return out.Value, nil
}

// remoteAWSLogs is the task agent's AWSLogs: ecsmini's CloudWatch Logs readies the
// destination, and its refusal (a missing group) is the task's stoppedReason.
type remoteAWSLogs struct{ a *Agent }

func (l remoteAWSLogs) PrepareAWSLogs(group, stream string, createGroup bool) error {
	err := l.a.call(context.Background(), AWSLogsPath, AWSLogsRequest{Group: group, Stream: stream, CreateGroup: createGroup}, nil)
	var ee *ecs.Error
	if errors.As(err, &ee) && ee.Code == codeAWSLogs {
		return errors.New(ee.Message)
	}
	return err
}

// remoteProtection is the task protection endpoint's control plane: ecsmini's
// GetTaskProtection and UpdateTaskProtection.
type remoteProtection struct{ a *Agent }

func (p remoteProtection) TaskProtection(taskARN string) (ecs.ProtectedTask, *ecs.Failure, error) {
	return p.answer(taskARN, "GetTaskProtection", &ecs.GetTaskProtectionInput{Cluster: p.a.cfg.Cluster, Tasks: []string{taskARN}})
}

func (p remoteProtection) SetTaskProtection(taskARN string, enabled bool, minutes *int) (ecs.ProtectedTask, *ecs.Failure, error) {
	return p.answer(taskARN, "UpdateTaskProtection", &ecs.UpdateTaskProtectionInput{Cluster: p.a.cfg.Cluster, Tasks: []string{taskARN},
		ProtectionEnabled: enabled, ExpiresInMinutes: minutes})
}

func (p remoteProtection) answer(taskARN, op string, in any) (ecs.ProtectedTask, *ecs.Failure, error) {
	var out ecs.TaskProtectionOutput
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	if err := p.a.api.Call(ctx, op, in, &out); err != nil {
		return ecs.ProtectedTask{}, nil, err
	}
	if len(out.Failures) > 0 {
		return ecs.ProtectedTask{}, &out.Failures[0], nil
	}
	if len(out.ProtectedTasks) == 0 {
		return ecs.ProtectedTask{}, nil, fmt.Errorf("%s answered no protection for %s", op, taskARN)
	}
	return out.ProtectedTasks[0], nil, nil
}
