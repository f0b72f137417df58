package anywhere

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// Sources are what ecsmini gives the tasks of remote machines, as it gives its own:
// the values of their secrets, their task roles' credentials, and CloudWatch Logs for
// awslogs containers. They are served to join-token holders only, and a secret or a
// credential only for a task placed on the asking instance.
type Sources struct {
	// Secrets is ecsmini's secrets source (--secrets-file); nil has none, and a task
	// with secrets fails to start, as locally.
	Secrets agent.SecretSource
	// Credentials gives a task role's credentials (--credentials-file); nil hands out
	// agent.StaticCredentials, as locally.
	Credentials func(now time.Time, taskARN, role string) metadata.Credentials
	// AWSLogs readies awslogs destinations and Lines stores what awslogs containers
	// printed (ecsmini's CloudWatch Logs); nil refuses awslogs tasks with a reason that
	// says so, and drops lines.
	AWSLogs agent.AWSLogs
	Lines   LineSink
	// Now is the time credentials are issued at (time.Now when nil): the remote
	// machine's clock, not the emulator's, is what a task's SDK compares them with.
	Now func() time.Time
}

// LineSink stores container lines by their routing labels (cwlogs.Sink does).
type LineSink interface {
	Lines(labels map[string]string, containerID string, lines []string)
}

func (s Sources) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// credentials lists the task role credentials of the work's tasks.
func (s Sources) credentials(w *emulator.AgentWork) []TaskCredentials {
	var out []TaskCredentials
	now := s.now()
	for _, at := range w.Tasks {
		role := taskRole(at.Task, at.TaskDefinition)
		if role == "" {
			continue
		}
		issue := s.Credentials
		if issue == nil {
			issue = agent.StaticCredentials
		}
		c := issue(now, at.Task.TaskArn, role)
		out = append(out, TaskCredentials{TaskArn: at.Task.TaskArn, RoleArn: role, AccessKeyID: c.AccessKeyID,
			SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration})
	}
	return out
}

// taskRole is the role a task's containers assume: its override, else its definition's.
func taskRole(t *ecs.Task, td *ecs.TaskDefinition) string {
	if t.Overrides != nil && t.Overrides.TaskRoleArn != nil {
		return *t.Overrides.TaskRoleArn
	}
	return ecs.Deref(td.TaskRoleArn)
}

// names says whether a task of the work names ref among its containers' secrets.
func names(w *emulator.AgentWork, ref string) bool {
	for _, at := range w.Tasks {
		for _, cd := range at.TaskDefinition.ContainerDefinitions {
			for _, s := range cd.Secrets {
				if agent.SecretLookupRef(s.ValueFrom) == ref {
					return true
				}
			}
		}
	}
	return false
}

// guarded decodes a join-token holder's JSON request into in and answers with what
// serve returns; anyone else is refused before the body is read.
func guarded[In any](token string, serve func(r *http.Request, in *In) (any, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in In
		if !admit(w, r, token, 16<<20, &in) {
			return
		}
		out, err := serve(r, &in)
		var ee *ecs.Error
		switch {
		case errors.As(err, &ee):
			writeError(w, http.StatusBadRequest, ee)
		case err != nil:
			writeError(w, http.StatusInternalServerError, ecs.Errorf(ecs.CodeServer, "%v", err))
		default:
			_ = json.NewEncoder(w).Encode(out) // a vanished agent asks again
		}
	})
}

// admit answers anything but a join-token holder's POST (405, 401) and decodes the
// holder's JSON body, of at most limit bytes, into in (400 when it is not JSON). It
// reports whether the handler goes on; the answer will be JSON either way.
func admit[In any](w http.ResponseWriter, r *http.Request, token string, limit int64, in *In) bool {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return false
	}
	if !validToken(r.Header.Get("Authorization"), token) {
		writeError(w, http.StatusUnauthorized, errNoToken)
		return false
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, limit)).Decode(in); err != nil {
		writeError(w, http.StatusBadRequest, ecs.Errorf(ecs.CodeSerialization, "the request is not valid JSON: %v", err))
		return false
	}
	return true
}

var errNoToken = ecs.Errorf(ecs.CodeAccessDenied, "The agent endpoints need the join token: pass --token (see 'ecsmini instance join-token' on the ecsmini machine).")

// Codes of the answers the agent turns back into its own errors.
const (
	codeSecretNotFound  = "ResourceNotFoundException"
	codeNoSecretsSource = "NoSecretsSource"
	codeAWSLogs         = "ResourceInitializationError"
)

// mountSources serves the secret, awslogs, lines and health endpoints.
func mountSources(mux Mux, b Backend, token string, src Sources) {
	mux.Handle(SecretPath, guarded(token, func(r *http.Request, in *SecretRequest) (any, error) {
		work, _, err := b.AgentPoll(r.Context(), in.Cluster, in.ContainerInstance)
		if err != nil {
			return nil, err
		}
		if src.Secrets == nil {
			return nil, ecs.Errorf(codeNoSecretsSource, "ecsmini has no secrets source: start it with --secrets-file FILE, a JSON object of names or ARNs to values")
		}
		if in.Ref == "" || !names(work, in.Ref) {
			return nil, ecs.Errorf(ecs.CodeAccessDenied, "No task placed on container instance %s names the secret %s.", work.ContainerInstanceArn, in.Ref)
		}
		v, err := src.Secrets.Lookup(in.Ref)
		if errors.Is(err, agent.ErrSecretNotFound) {
			return nil, ecs.Errorf(codeSecretNotFound, "%v", err)
		}
		if err != nil {
			return nil, err
		}
		return SecretAnswer{Value: v}, nil
	}))
	mux.Handle(AWSLogsPath, guarded(token, func(_ *http.Request, in *AWSLogsRequest) (any, error) {
		if src.AWSLogs == nil {
			return nil, ecs.Errorf(codeAWSLogs, "this ecsmini serves no CloudWatch Logs")
		}
		if err := src.AWSLogs.PrepareAWSLogs(in.Group, in.Stream, in.CreateGroup); err != nil {
			return nil, ecs.Errorf(codeAWSLogs, "%s", err.Error())
		}
		return struct{}{}, nil
	}))
	mux.Handle(LinesPath, guarded(token, func(_ *http.Request, in *LinesRequest) (any, error) {
		if src.Lines != nil {
			for _, l := range in.Batches {
				if l.Labels[agent.LabelAWSLogsGroup] != "" {
					src.Lines.Lines(l.Labels, l.ContainerID, l.Lines)
				}
			}
		}
		return struct{}{}, nil
	}))
	mux.Handle(HealthPath, guarded(token, func(r *http.Request, in *HealthRequest) (any, error) {
		if err := b.AgentHealth(r.Context(), in.Cluster, in.ContainerInstance, in.Tasks); err != nil {
			return nil, err
		}
		return struct{}{}, nil
	}))
}
