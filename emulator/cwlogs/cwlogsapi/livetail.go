package cwlogsapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// startLiveTail serves StartLiveTail: an event stream of an initial-response, a
// sessionStart and then a sessionUpdate every second (on the service's clock) until
// the client goes away or the session times out after three hours. Clients send it to
// a "stream-" host prefix unless told not to (boto3: Config(inject_host_prefix=False)).
func (h *Handler) startLiveTail(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		h.p.WriteError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeInvalidParameter, Message: "The request body could not be read."})
		return
	}
	in := new(cwlogs.StartLiveTailInput)
	if err := json.Unmarshal(body, in); err != nil {
		h.p.WriteError(w, http.StatusBadRequest, &ecs.Error{Code: ecs.CodeSerialization, Message: "The request body is not valid: " + err.Error()})
		return
	}
	tail, err := h.svc.StartLiveTail(in)
	if err != nil {
		h.p.Fail(w, "StartLiveTail", err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.amazon.eventstream")
	w.WriteHeader(http.StatusOK)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	start, _ := json.Marshal(tail.Start(w.Header().Get("x-amzn-RequestId"), ecs.NewUUID()))
	if writeEvent(w, "initial-response", []byte("{}")) != nil || writeEvent(w, "sessionStart", start) != nil {
		return // the client went away
	}
	flush()
	ctx := r.Context()
	if h.Sessions != nil {
		var stop context.CancelFunc
		ctx, stop = context.WithCancel(ctx)
		defer stop()
		defer context.AfterFunc(h.Sessions, stop)()
	}
	for {
		up, err := tail.Next(ctx)
		if errors.Is(err, cwlogs.ErrTailTimeout) {
			_ = writeException(w, "SessionTimeoutException", []byte(`{"message":"`+err.Error()+`"}`))
			flush()
			return
		} else if err != nil {
			return // the client went away
		}
		b, _ := json.Marshal(up) // plain structs: cannot fail
		if writeEvent(w, "sessionUpdate", b) != nil {
			return
		}
		flush()
	}
}
