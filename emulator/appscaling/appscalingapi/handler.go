// Package appscalingapi serves Application Auto Scaling's JSON 1.1 protocol
// (X-Amz-Target AnyScaleFrontendService.*) over an appscaling.Service, on the ECS
// listener.
package appscalingapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TargetPrefix is the X-Amz-Target prefix of every operation.
const TargetPrefix = "AnyScaleFrontendService."

const maxBody = 1 << 20

type operation func(ctx context.Context, body []byte) (any, error)

func op[In, Out any](f func(context.Context, *In) (*Out, error)) operation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, &ecs.Error{Code: ecs.CodeSerialization, Message: "The request body is not valid: " + err.Error()}
			}
		}
		return f(ctx, in)
	}
}

// Handler serves the API.
type Handler struct {
	ops map[string]operation
	log *slog.Logger
}

// New returns the API over s; log receives internal faults (nil discards them).
func New(s *appscaling.Service, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{log: log, ops: map[string]operation{
		"RegisterScalableTarget":    op(s.RegisterScalableTarget),
		"DescribeScalableTargets":   op(s.DescribeScalableTargets),
		"DeregisterScalableTarget":  op(s.DeregisterScalableTarget),
		"PutScalingPolicy":          op(s.PutScalingPolicy),
		"DescribeScalingPolicies":   op(s.DescribeScalingPolicies),
		"DeleteScalingPolicy":       op(s.DeleteScalingPolicy),
		"PutScheduledAction":        op(s.PutScheduledAction),
		"DescribeScheduledActions":  op(s.DescribeScheduledActions),
		"DeleteScheduledAction":     op(s.DeleteScheduledAction),
		"DescribeScalingActivities": op(s.DescribeScalingActivities),
		"TagResource":               op(s.TagResource),
		"UntagResource":             op(s.UntagResource),
		"ListTagsForResource":       op(s.ListTagsForResource),
	}}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
	target := r.Header.Get("X-Amz-Target")
	name, _ := strings.CutPrefix(target, TargetPrefix)
	run := h.ops[name]
	if r.Method != http.MethodPost || run == nil {
		writeError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeUnknownOperation,
			Message: fmt.Sprintf("ecsmini does not serve the Application Auto Scaling operation %q.", target)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, &ecs.Error{Code: appscaling.CodeValidation, Message: fmt.Sprintf("The request body could not be read or exceeds %d bytes.", maxBody)})
		return
	}
	ctx := r.Context()
	if region := credentialRegion(r.Header.Get("Authorization")); region != "" {
		ctx = ecs.WithRegion(ctx, region)
	}
	out, err := run(ctx, body)
	if err != nil {
		var e *ecs.Error
		if errors.As(err, &e) {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		h.log.Error("application auto scaling: internal fault", "operation", name, "err", err)
		writeError(w, http.StatusInternalServerError, &ecs.Error{Code: "InternalServiceException", Message: "An internal error occurred in ecsmini: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// credentialRegion is the region of a SigV4 Authorization header's credential scope
// (Credential=AKID/date/region/service/aws4_request), or "".
func credentialRegion(auth string) string {
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[2]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]string{"__type": "InternalServiceException", "message": err.Error()})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails
}

func writeError(w http.ResponseWriter, status int, e *ecs.Error) {
	writeJSON(w, status, map[string]string{"__type": e.Code, "message": e.Message})
}
