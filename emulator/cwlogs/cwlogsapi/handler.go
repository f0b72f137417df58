package cwlogsapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TargetPrefix is the X-Amz-Target prefix of every Logs operation.
const TargetPrefix = "Logs_20140328."

// maxBody bounds a request: PutLogEvents batches are at most 1 MiB of events, which
// JSON escaping can grow.
const maxBody = 8 << 20

type operation func(body []byte) (any, error)

// op adapts a service method to an operation that decodes its request.
func op[In, Out any](f func(*In) (*Out, error)) operation {
	return func(body []byte) (any, error) {
		in := new(In)
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, &ecs.Error{Code: ecs.CodeSerialization, Message: "The request body is not valid: " + err.Error()}
			}
		}
		return f(in)
	}
}

// Handler serves the Logs API.
type Handler struct {
	svc *cwlogs.Service
	ops map[string]operation
	log *slog.Logger
	// Sessions, when set, also ends live tail sessions when it ends, so a server's
	// graceful shutdown is not held up by them.
	Sessions context.Context
}

// New returns the Logs API over s; log receives internal faults (nil discards them).
func New(s *cwlogs.Service, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{svc: s, log: log, ops: map[string]operation{
		"CreateLogGroup":        op(s.CreateLogGroup),
		"DeleteLogGroup":        op(s.DeleteLogGroup),
		"DescribeLogGroups":     op(s.DescribeLogGroups),
		"CreateLogStream":       op(s.CreateLogStream),
		"DeleteLogStream":       op(s.DeleteLogStream),
		"DescribeLogStreams":    op(s.DescribeLogStreams),
		"PutLogEvents":          op(s.PutLogEvents),
		"GetLogEvents":          op(s.GetLogEvents),
		"FilterLogEvents":       op(s.FilterLogEvents),
		"PutRetentionPolicy":    op(s.PutRetentionPolicy),
		"DeleteRetentionPolicy": op(s.DeleteRetentionPolicy),
		"TagResource":           op(s.TagResource),
		"UntagResource":         op(s.UntagResource),
		"ListTagsForResource":   op(s.ListTagsForResource),
		"TagLogGroup":           op(s.TagLogGroup),
		"UntagLogGroup":         op(s.UntagLogGroup),
		"ListTagsLogGroup":      op(s.ListTagsLogGroup),
	}}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
	target := r.Header.Get("X-Amz-Target")
	name, _ := strings.CutPrefix(target, TargetPrefix)
	if r.Method == http.MethodPost && name == "StartLiveTail" {
		h.startLiveTail(w, r)
		return
	}
	run := h.ops[name]
	if r.Method != http.MethodPost || run == nil {
		writeError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeUnknownOperation,
			Message: fmt.Sprintf("ecsmini does not serve the CloudWatch Logs operation %q.", target)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, &ecs.Error{Code: ecs.CodeInvalidParameter, Message: fmt.Sprintf("The request body could not be read or exceeds %d bytes.", maxBody)})
		return
	}
	out, err := run(body)
	if err != nil {
		h.fail(w, name, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// fail answers an operation's error: the Logs API's exception, or a
// ServiceUnavailableException for an internal fault.
func (h *Handler) fail(w http.ResponseWriter, name string, err error) {
	var e *ecs.Error
	if errors.As(err, &e) {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	h.log.Error("logs: internal fault", "operation", name, "err", err)
	writeError(w, http.StatusInternalServerError, &ecs.Error{Code: "ServiceUnavailableException", Message: "An internal error occurred in ecsmini: " + err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]string{"__type": "ServiceUnavailableException", "message": err.Error()})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails
}

func writeError(w http.ResponseWriter, status int, e *ecs.Error) {
	writeJSON(w, status, map[string]string{"__type": e.Code, "message": e.Message})
}
