package cwapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/ecsmini/ecsmini/emulator/awsjson"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TargetPrefix is the X-Amz-Target prefix of CloudWatch's JSON 1.0 protocol, which
// boto3 and the AWS CLI v1 choose first (their protocol priority puts json before
// CBOR).
const TargetPrefix = "GraniteServiceVersion20100801."

// JSON serves the same operations as h over the JSON 1.0 protocol: POST / with
// X-Amz-Target, timestamps as epoch seconds. A request is carried to the operation
// through CBOR, so both protocols decode into the one set of shapes the same way.
func (h *Handler) JSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", ecs.NewUUID())
		name := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)
		run := h.ops[name]
		if r.Method != http.MethodPost || run == nil {
			writeJSONError(w, http.StatusBadRequest, &ecs.Error{Code: "InvalidAction",
				Message: fmt.Sprintf("ecsmini does not serve the CloudWatch operation %q.", name)})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err == nil {
			body, err = jsonToCBOR(body)
		}
		if err != nil {
			writeJSONError(w, http.StatusBadRequest, &ecs.Error{Code: "SerializationException", Message: "The request body is not valid JSON: " + err.Error()})
			return
		}
		ctx := r.Context()
		if region := awsjson.CredentialRegion(r.Header.Get("Authorization")); region != "" {
			ctx = ecs.WithRegion(ctx, region)
		}
		out, err := run(ctx, body)
		if err == nil {
			var b []byte
			if b, err = toJSON(out); err == nil {
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(b) // a vanished client is not worth reporting
				return
			}
		}
		var e *ecs.Error
		if errors.As(err, &e) {
			writeJSONError(w, http.StatusBadRequest, e)
			return
		}
		h.log.Error("internal fault", "operation", name, "err", err)
		writeJSONError(w, http.StatusInternalServerError, &ecs.Error{Code: "InternalServiceError", Message: "An internal error occurred in ecsmini: " + err.Error()})
	})
}

// timestampMembers are the request members that are timestamps (epoch seconds in JSON).
var timestampMembers = map[string]bool{"StartDate": true, "EndDate": true}

// jsonToCBOR re-encodes a JSON request as CBOR: integers as integers, other numbers as
// floats, timestamp members as CBOR times.
func jsonToCBOR(body []byte) ([]byte, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	var walk func(key string, v any) any
	walk = func(key string, v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(k, e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk("", e)
			}
		case json.Number:
			f, _ := x.Float64()
			if timestampMembers[key] {
				sec, frac := math.Modf(f)
				return time.Unix(int64(sec), int64(frac*1e9)).UTC()
			}
			if n, err := x.Int64(); err == nil {
				return n
			}
			return f
		}
		return v
	}
	return encMode.Marshal(walk("", v))
}

// toJSON encodes an answer as JSON 1.0 does: through CBOR into plain values, with
// times as epoch seconds.
func toJSON(out any) ([]byte, error) {
	b, err := encMode.Marshal(out)
	if err != nil {
		return nil, err
	}
	dm, _ := cbor.DecOptions{DefaultMapType: reflect.TypeOf(map[string]any{})}.DecMode()
	var v any
	if err := dm.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case time.Time:
			return float64(x.UnixMilli()) / 1000
		}
		return v
	}
	return json.Marshal(walk(v))
}

func writeJSONError(w http.ResponseWriter, status int, e *ecs.Error) {
	fault := "Sender"
	if status >= 500 {
		fault = "Receiver"
	}
	w.Header().Set("X-Amzn-Query-Error", e.Code+";"+fault)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.cloudwatch#" + e.Code, "message": e.Message})
}
