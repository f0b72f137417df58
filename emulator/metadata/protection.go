package metadata

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Protection is the control plane's task scale-in protection, which a task reaches at
// ${ECS_AGENT_URI}/task-protection/v1/state (spec §5.11).
type Protection interface {
	TaskProtection(taskARN string) (ecs.ProtectedTask, *ecs.Failure, error)
	SetTaskProtection(taskARN string, enabled bool, expiresInMinutes *int) (ecs.ProtectedTask, *ecs.Failure, error)
}

// Option configures a handler.
type Option func(*handler)

// WithProtection serves the task protection endpoint from p.
func WithProtection(p Protection) Option { return func(h *handler) { h.protection = p } }

// protectionPath is the agent endpoint's path after /api/{token}.
const protectionPath = "task-protection/v1/state"

// agentRoute reads /api/{token}/task-protection/v1/state.
func agentRoute(path string) (token string, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSuffix(path, "/"), "/api/")
	if !found {
		return "", false
	}
	token, sub, _ := strings.Cut(rest, "/")
	return token, token != "" && sub == protectionPath
}

// protectionState is the agent's JSON for a task's protection.
type protectionState struct {
	ExpirationDate    *string `json:"ExpirationDate,omitempty"`
	ProtectionEnabled bool    `json:"ProtectionEnabled"`
	TaskArn           string  `json:"TaskArn"`
}

type protectionFailure struct {
	Arn    string  `json:"Arn"`
	Detail *string `json:"Detail"`
	Reason string  `json:"Reason"`
}

type protectionError struct {
	Arn     string `json:"Arn"`
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

// serveProtection answers GET (read) and PUT {"ProtectionEnabled", "ExpiresInMinutes"}
// with the agent's {"protection": …}, {"failure": …} or {"error": …} bodies.
func (h *handler) serveProtection(w http.ResponseWriter, r *http.Request, token string) {
	if h.protection == nil {
		writeError(w, http.StatusNotFound, "NotFound", "task protection is not available")
		return
	}
	task, _, ok := h.src.Lookup(token)
	if !ok {
		writeError(w, http.StatusNotFound, "NotFound", "no container has this metadata token")
		return
	}
	var p ecs.ProtectedTask
	var f *ecs.Failure
	var err error
	switch r.Method {
	case http.MethodGet:
		p, f, err = h.protection.TaskProtection(task.TaskARN)
	case http.MethodPut:
		var req struct {
			ProtectionEnabled *bool
			ExpiresInMinutes  *int
		}
		body, rerr := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		if rerr != nil || json.Unmarshal(body, &req) != nil || req.ProtectionEnabled == nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"requestID": nil, "error": protectionError{Arn: task.TaskARN,
				Code: ecs.CodeInvalidParameter, Message: "Invalid request: ProtectionEnabled is required and the body must be JSON"}})
			return
		}
		p, f, err = h.protection.SetTaskProtection(task.TaskARN, *req.ProtectionEnabled, req.ExpiresInMinutes)
	default:
		w.Header().Set("Allow", "GET, PUT")
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET or PUT")
		return
	}
	switch {
	case err != nil:
		code, status := ecs.CodeServer, http.StatusInternalServerError
		if ee, ok := ecs.AsError(err); ok {
			code, status = ee.Code, http.StatusBadRequest
		}
		writeJSON(w, status, map[string]any{"requestID": nil, "error": protectionError{Arn: task.TaskARN, Code: code, Message: errMessage(err)}})
	case f != nil:
		var detail *string
		if f.Detail != "" {
			detail = &f.Detail
		}
		writeJSON(w, http.StatusOK, map[string]any{"failure": protectionFailure{Arn: f.Arn, Detail: detail, Reason: f.Reason}})
	default:
		st := protectionState{ProtectionEnabled: p.ProtectionEnabled, TaskArn: p.TaskArn}
		if p.ExpirationDate != nil {
			s := p.ExpirationDate.UTC().Format(time.RFC3339Nano)
			st.ExpirationDate = &s
		}
		writeJSON(w, http.StatusOK, map[string]any{"protection": st})
	}
}

func errMessage(err error) string {
	if ee, ok := ecs.AsError(err); ok {
		return ee.Message
	}
	return err.Error()
}
