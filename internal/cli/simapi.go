package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The Fargate simulation's own endpoints (Spot capacity and interruptions,
// retirements): JSON in and out, ECS-shaped errors ({"__type", "message"}).
const (
	spotCapacityPath  = "/_ecsmini/spot/capacity"
	spotInterruptPath = "/_ecsmini/spot/interrupt"
	retirePath        = "/_ecsmini/retire"
)

// jsonHandler serves POST (and, with get, GET) of a JSON request: decode into a fresh
// In, call do, encode its answer or its error.
func jsonHandler[In, Out any](get bool, do func(context.Context, *In, *http.Request) (Out, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		in := new(In)
		switch {
		case r.Method == http.MethodPost:
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(in); err != nil {
				writeSimError(w, ecs.Errorf(ecs.CodeSerialization, "the request is not valid JSON: %v", err))
				return
			}
		case r.Method == http.MethodGet && get:
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		out, err := do(r.Context(), in, r)
		if err != nil {
			writeSimError(w, err)
			return
		}
		_ = json.NewEncoder(w).Encode(out) // a vanished client is not worth reporting
	})
}

func writeSimError(w http.ResponseWriter, err error) {
	code, status := ecs.CodeServer, http.StatusInternalServerError
	var ee *ecs.Error
	if errors.As(err, &ee) {
		code, status = ee.Code, http.StatusBadRequest
	}
	w.WriteHeader(status)
	msg := err.Error()
	if ee != nil {
		msg = ee.Message
	}
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": code, "message": msg})
}

// simCall sends in (GET when nil) to a running ecsmini's path and decodes the answer.
func simCall(ctx context.Context, endpoint, path string, in, out any) error {
	method, body := http.MethodGet, io.Reader(nil)
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, ecsCallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(endpoint, "/")+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := localHTTP.Do(req)
	if err != nil {
		return fmt.Errorf("no ecsmini answers at %s (start one with 'ecsmini up'): %w", endpoint, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return fmt.Errorf("the ecsmini at %s does not serve %s; upgrade it", endpoint, path)
	case resp.StatusCode != http.StatusOK:
		var m map[string]string
		if json.Unmarshal(raw, &m) == nil && m["__type"] != "" {
			return ecs.Errorf(m["__type"], "%s", m["message"])
		}
		return fmt.Errorf("%s: %s", path, strings.TrimSpace(string(raw)))
	}
	return json.Unmarshal(raw, out)
}
