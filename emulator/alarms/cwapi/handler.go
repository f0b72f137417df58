// Package cwapi serves CloudWatch's alarm operations (package alarms) on ecsmini's
// listener over both protocols today's clients speak. The cloudwatch model lists
// smithy-rpc-v2-cbor, json and query: the Go SDK v2 (service/cloudwatch) speaks
// only Smithy RPC v2 CBOR (POST /service/GraniteServiceVersion20100801/operation/<Name>),
// while boto3 and the AWS CLI v1 rank json above CBOR and send JSON 1.0 (POST / with
// X-Amz-Target GraniteServiceVersion20100801.<Name>). The query protocol (older SDKs)
// is not served. Errors carry __type and message plus the awsQuery code in
// X-Amzn-Query-Error: CloudWatch is query-compatible, so clients report the query
// error codes such as ResourceNotFound.
package cwapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/fxamacker/cbor/v2"

	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/awsjson"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// PathPrefix is the path prefix of every CloudWatch operation under RPC v2.
const PathPrefix = "/service/GraniteServiceVersion20100801/operation/"

// maxBody bounds a request body.
const maxBody = 1 << 20

type operation func(ctx context.Context, body []byte) (any, error)

// Handler is the http.Handler of the CloudWatch alarm operations.
type Handler struct {
	ops map[string]operation
	log *slog.Logger
}

var (
	encMode, _ = cbor.EncOptions{Time: cbor.TimeUnixDynamic, TimeTag: cbor.EncTagRequired}.EncMode()
	decMode, _ = cbor.DecOptions{}.DecMode()
)

// New returns a handler serving s.
func New(s *alarms.Service, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{log: log, ops: map[string]operation{
		"PutMetricAlarm":       op(s.PutMetricAlarm),
		"DescribeAlarms":       op(s.DescribeAlarms),
		"DeleteAlarms":         op(s.DeleteAlarms),
		"SetAlarmState":        op(s.SetAlarmState),
		"DescribeAlarmHistory": op(s.DescribeAlarmHistory),
	}}
}

func op[In, Out any](f func(context.Context, *In) (*Out, error)) operation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if len(body) > 0 {
			if err := decMode.Unmarshal(body, in); err != nil {
				return nil, ecs.Errorf("SerializationException", "The request body is not valid CBOR for this operation: %v", err)
			}
		}
		return f(ctx, in)
	}
}

// Matches reports whether r is a CloudWatch RPC v2 request, for routing.
func Matches(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, PathPrefix) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	name := strings.TrimPrefix(r.URL.Path, PathPrefix)
	run := h.ops[name]
	if r.Method != http.MethodPost || run == nil {
		writeError(w, http.StatusBadRequest, &ecs.Error{Code: "InvalidAction",
			Message: fmt.Sprintf("ecsmini does not serve the CloudWatch operation %q.", name)})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, &ecs.Error{Code: alarms.CodeInvalidParameter,
			Message: fmt.Sprintf("The request body could not be read or exceeds %d bytes.", maxBody)})
		return
	}
	ctx := r.Context()
	if region := awsjson.CredentialRegion(r.Header.Get("Authorization")); region != "" {
		ctx = ecs.WithRegion(ctx, region)
	}
	out, err := run(ctx, body)
	if err != nil {
		var e *ecs.Error
		if errors.As(err, &e) {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		h.log.Error("internal fault", "operation", name, "err", err)
		writeError(w, http.StatusInternalServerError, &ecs.Error{Code: "InternalServiceError", Message: "An internal error occurred in ecsmini: " + err.Error()})
		return
	}
	b, err := encMode.Marshal(out)
	if err != nil {
		h.log.Error("encoding the answer", "operation", name, "err", err)
		writeError(w, http.StatusInternalServerError, &ecs.Error{Code: "InternalServiceError", Message: "An internal error occurred in ecsmini: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/cbor")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b) // a vanished client is not worth reporting
}

// writeError answers {__type, message} in CBOR, with the awsQuery code and fault
// (Sender for a client's error, Receiver for ecsmini's) in X-Amzn-Query-Error.
func writeError(w http.ResponseWriter, status int, e *ecs.Error) {
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("X-Amzn-Query-Error", e.Code+";"+fault)
	w.Header().Set("Content-Type", "application/cbor")
	w.WriteHeader(status)
	b, _ := encMode.Marshal(map[string]string{"__type": "com.amazonaws.cloudwatch#" + e.Code, "message": e.Message})
	_, _ = w.Write(b)
}
