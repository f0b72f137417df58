package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TargetPrefix is the X-Amz-Target prefix of every ECS operation.
const TargetPrefix = "AmazonEC2ContainerServiceV20141113."

// MaxBodyBytes bounds a request body. ECS's largest documents (task definitions) are
// limited to 64 KiB; the rest of the room is for JSON whitespace and escapes.
const MaxBodyBytes = 1 << 20

// operation decodes a request body and runs it.
type operation func(ctx context.Context, body []byte) (any, error)

// Handler is the http.Handler of the ECS API.
type Handler struct {
	ops     map[string]operation
	ssm     map[string]operation // SSM session operations, by name (see exec.go)
	extras  *http.ServeMux
	targets []targetRoute // other AWS services' JSON protocols on the same listener
	paths   []targetRoute // other AWS services' RPC v2 protocols, by URL path
	log     *slog.Logger
	account string       // the caller of STS GetCallerIdentity
	reset   http.Handler // POST /moto-api/reset (reset.go), nil when the backend cannot
}

// defaultAccount is the account STS reports when the backend does not name one.
const defaultAccount = "000000000000"

// New returns a handler serving b. extras, if non-nil, serves ecsmini's own endpoints
// under /_ecsmini/.
func New(b Backend, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Handler{ops: make(map[string]operation), extras: http.NewServeMux(), log: log, account: defaultAccount}
	if a, ok := b.(interface{ AccountID() string }); ok && a.AccountID() != "" {
		h.account = a.AccountID()
	}
	h.registerClusters(b)
	h.registerCapacityProviders(b)
	h.registerTaskDefinitions(b)
	h.registerTagsAndSettings(b)
	h.registerTasks(b)
	h.registerServices(b)
	h.registerServiceDeployments(b)
	h.registerTaskSets(b)
	h.registerGateways(b)
	h.registerDaemons(b)
	h.registerInstances(b)
	h.registerAgent(b)
	h.registerExec(b)
	if rb, ok := b.(Resetter); ok {
		h.reset = resetHandler(rb)
		h.extras.Handle(ResetPath, h.reset)
	}
	return h
}

// Handle adds an ecsmini endpoint; pattern must start with /_ecsmini/.
func (h *Handler) Handle(pattern string, handler http.Handler) { h.extras.Handle(pattern, handler) }

// Operations lists the operation names served, for documentation and tests.
func (h *Handler) Operations() []string {
	names := make([]string, 0, len(h.ops))
	for n := range h.ops {
		names = append(names, n)
	}
	return names
}

func (h *Handler) add(name string, op operation) { h.ops[name] = op }

// op adapts a typed backend method to an operation.
func op[In, Out any](f func(context.Context, *In) (*Out, error)) operation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if err := decode(body, in); err != nil {
			return nil, err
		}
		return f(ctx, in)
	}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
	if r.URL.Path == MotoResetPath && h.reset != nil {
		h.reset.ServeHTTP(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/_ecsmini/") {
		h.extras.ServeHTTP(w, r)
		return
	}
	if r.URL.Path == "/" && isSTS(r) {
		serveSTS(w, r, h.account)
		return
	}
	if other := h.pathHandler(r.URL.Path); other != nil {
		other.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		writeError(w, http.StatusNotFound, &ecs.Error{Code: ecs.CodeUnknownOperation, Message: "ECS operations are POST / with an X-Amz-Target header."})
		return
	}
	target := r.Header.Get("X-Amz-Target")
	if other := h.targetHandler(target); other != nil {
		other.ServeHTTP(w, r)
		return
	}
	name, ok := strings.CutPrefix(target, TargetPrefix)
	run := h.ops[name]
	if ssmName, isSSM := strings.CutPrefix(target, SSMTargetPrefix); isSSM {
		name, ok, run = ssmName, true, h.ssm[ssmName]
	}
	if !ok || run == nil {
		writeError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeUnknownOperation, Message: fmt.Sprintf("Unknown operation %q.", target)})
		return
	}
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeSerialization, Message: fmt.Sprintf("The request body could not be read or exceeds %d bytes.", MaxBodyBytes)})
		return
	}
	ctx := r.Context()
	if region := credentialRegion(r.Header.Get("Authorization")); region != "" {
		ctx = ecs.WithRegion(ctx, region)
	}
	ctx = ecs.WithEndpoint(ctx, r.Host)
	out, err := h.call(ctx, name, run, body)
	if err != nil {
		if e, ok := ecs.AsError(err); ok {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		h.log.Error("internal fault", "operation", name, "err", err)
		writeError(w, http.StatusInternalServerError, &ecs.Error{Code: ecs.CodeServer, Message: "An internal error occurred in ecsmini: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// call runs an operation; a panic in it is an internal fault like any other, answered
// with a ServerException instead of a dropped connection (which SDKs would retry).
func (h *Handler) call(ctx context.Context, name string, run operation, body []byte) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			h.log.Error("panic in operation", "operation", name, "panic", p, "stack", string(debug.Stack()))
			out, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return run(ctx, body)
}

// readBody reads a request body of at most MaxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	return body, nil
}

var credentialRE = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/`)

// credentialRegion extracts the region of a SigV4 Authorization header's credential scope.
func credentialRegion(auth string) string {
	if m := credentialRE.FindStringSubmatch(auth); m != nil {
		return m[1]
	}
	return ""
}

// decode reads a JSON request body. Unknown fields are ignored, as AWS ignores them;
// malformed JSON and wrong field types are SerializationExceptions.
func decode(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "(request)"
		}
		return &ecs.Error{Code: ecs.CodeSerialization, Message: fmt.Sprintf("Unexpected JSON %s for field '%s' (expected %s).", typeErr.Value, field, typeErr.Type)}
	}
	return &ecs.Error{Code: ecs.CodeSerialization, Message: "The request body is not valid JSON: " + err.Error()}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b, _ = json.Marshal(errorBody{Type: ecs.CodeServer, Message: "encode response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	_, _ = w.Write(b) // the client has gone if this fails; nothing left to tell it
}

type errorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status int, e *ecs.Error) {
	writeJSON(w, status, errorBody{Type: e.Code, Message: e.Message})
}
