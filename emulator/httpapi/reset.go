package httpapi

import (
	"context"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// MotoResetPath and ResetPath clear all of ecsmini's state: moto's server-mode reset,
// which test suites written for moto call between tests, and ecsmini's own.
const (
	MotoResetPath = "/moto-api/reset"
	ResetPath     = "/_ecsmini/reset"
)

// Resetter forgets all state (emulator.Emulator.Reset).
type Resetter interface {
	Reset(context.Context) error
}

// resetHandler answers POST with 200 and moto's body once the state is gone.
func resetHandler(b Resetter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeError(w, http.StatusMethodNotAllowed, &ecs.Error{Code: ecs.CodeInvalidParameter, Message: "Reset is POST " + r.URL.Path + "."})
			return
		}
		if err := b.Reset(r.Context()); err != nil {
			writeError(w, http.StatusInternalServerError, &ecs.Error{Code: ecs.CodeServer, Message: err.Error()})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status": "ok"}`)) // a vanished client has nothing left to be told
	})
}
