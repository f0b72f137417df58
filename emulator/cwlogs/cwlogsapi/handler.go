package cwlogsapi

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/awsjson"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TargetPrefix is the X-Amz-Target prefix of every Logs operation.
const TargetPrefix = "Logs_20140328."

// maxBody bounds a request: PutLogEvents batches are at most 1 MiB of events, which
// JSON escaping can grow.
const maxBody = 8 << 20

// op adapts a service method, which needs no context, to an operation.
func op[In, Out any](f func(*In) (*Out, error)) awsjson.Operation {
	return awsjson.Op(func(_ context.Context, in *In) (*Out, error) { return f(in) })
}

// Handler serves the Logs API.
type Handler struct {
	svc *cwlogs.Service
	p   *awsjson.Protocol
	ops map[string]awsjson.Operation
	// Sessions, when set, also ends live tail sessions when it ends, so a server's
	// graceful shutdown is not held up by them.
	Sessions context.Context
}

// New returns the Logs API over s; log receives internal faults (nil discards them).
func New(s *cwlogs.Service, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p := &awsjson.Protocol{Service: "CloudWatch Logs", TargetPrefix: TargetPrefix, ContentType: "application/x-amz-json-1.1",
		MaxBody: maxBody, BodyCode: ecs.CodeInvalidParameter, InternalCode: "ServiceUnavailableException", Log: log}
	return &Handler{svc: s, p: p, ops: map[string]awsjson.Operation{
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

// ServeHTTP serves the operations, StartLiveTail (an event stream) on its own.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && h.p.Operation(r) == "StartLiveTail" {
		w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
		h.startLiveTail(w, r)
		return
	}
	h.p.Serve(w, r, h.ops)
}
