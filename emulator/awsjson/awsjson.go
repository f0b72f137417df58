// Package awsjson is the AWS JSON protocol (1.0 and 1.1) as ecsmini serves it for the
// services beside ECS (CloudWatch Logs, Application Auto Scaling): POST / with the
// operation in X-Amz-Target, a JSON body in and out, errors as {"__type", "message"}.
// The services differ only in their target prefix, content type, body limit and the
// names of their exceptions, which a Protocol holds; the framing is written once here.
package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Operation runs one operation on a request body and returns its output.
type Operation func(ctx context.Context, body []byte) (any, error)

// Op adapts a service method to an Operation that decodes its input; an empty body
// is the zero input, as the SDKs send for operations without members.
func Op[In, Out any](f func(context.Context, *In) (*Out, error)) Operation {
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

// Protocol is one service's dialect of the protocol.
type Protocol struct {
	Service      string // the service's name in messages ("CloudWatch Logs")
	TargetPrefix string // "Logs_20140328."
	ContentType  string // "application/x-amz-json-1.1"
	MaxBody      int64  // the largest request body read
	BodyCode     string // the exception for a body that cannot be read or is too large
	InternalCode string // the exception for an internal fault
	Log          *slog.Logger
}

// Operation is the name of the operation r asks for (its target without the prefix).
func (p *Protocol) Operation(r *http.Request) string {
	name, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), p.TargetPrefix)
	return name
}

// Serve answers r with the operation of ops it names: the output as JSON, an ECS-shaped
// error as the service's exception, anything else as an internal fault (logged). The
// region of the request's credential scope is put in the context (ecs.WithRegion).
func (p *Protocol) Serve(w http.ResponseWriter, r *http.Request, ops map[string]Operation) {
	w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
	name := p.Operation(r)
	run := ops[name]
	if r.Method != http.MethodPost || run == nil {
		p.WriteError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeUnknownOperation,
			Message: fmt.Sprintf("ecsmini does not serve the %s operation %q.", p.Service, r.Header.Get("X-Amz-Target"))})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, p.MaxBody))
	if err != nil {
		p.WriteError(w, http.StatusRequestEntityTooLarge, &ecs.Error{Code: p.BodyCode,
			Message: fmt.Sprintf("The request body could not be read or exceeds %d bytes.", p.MaxBody)})
		return
	}
	ctx := r.Context()
	if region := CredentialRegion(r.Header.Get("Authorization")); region != "" {
		ctx = ecs.WithRegion(ctx, region)
	}
	out, err := run(ctx, body)
	if err != nil {
		p.Fail(w, name, err)
		return
	}
	p.Write(w, http.StatusOK, out)
}

// Fail answers an operation's error: its exception when it is ECS-shaped, else an
// internal fault, which is logged.
func (p *Protocol) Fail(w http.ResponseWriter, name string, err error) {
	var e *ecs.Error
	if errors.As(err, &e) {
		p.WriteError(w, http.StatusBadRequest, e)
		return
	}
	if p.Log != nil {
		p.Log.Error(p.Service+": internal fault", "operation", name, "err", err)
	}
	p.WriteError(w, http.StatusInternalServerError, &ecs.Error{Code: p.InternalCode, Message: "An internal error occurred in ecsmini: " + err.Error()})
}

// Write answers v as JSON with status.
func (p *Protocol) Write(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(map[string]string{"__type": p.InternalCode, "message": err.Error()})
	}
	w.Header().Set("Content-Type", p.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails
}

// WriteError answers e as the protocol's error shape.
func (p *Protocol) WriteError(w http.ResponseWriter, status int, e *ecs.Error) {
	p.Write(w, status, map[string]string{"__type": e.Code, "message": e.Message})
}

// CredentialRegion is the region of a SigV4 Authorization header's credential scope
// (Credential=AKID/date/region/service/aws4_request), or "".
func CredentialRegion(auth string) string {
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
