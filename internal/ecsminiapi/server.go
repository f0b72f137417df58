package ecsminiapi

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/hooks"
	"github.com/ecsmini/ecsmini/emulator/logs"
	"github.com/ecsmini/ecsmini/fargate"
)

// Config is what the server side needs: the emulator behind every endpoint and what
// `ecsmini up` adds around it.
type Config struct {
	Emulator *emulator.Emulator
	// Clock is the emulator's clock, shown and moved at /_ecsmini/clock.
	Clock *clock.Virtual
	// ClockMoved, if set, is told after every move of the clock (up saves it).
	ClockMoved func()
	// Prices and PriceSource make /_ecsmini/cost's report.
	Prices      fargate.PriceTable
	PriceSource string
	// Health is what /_ecsmini/health answers.
	Health Health
	// Shutdown, if set, is called once when /_ecsmini/shutdown is asked to stop ecsmini.
	Shutdown func()
	// Logs, if set, serves the task logs at /_ecsmini/logs.
	Logs *logs.Collector
	// Hooks, if set, serves the lifecycle hook mappings at /_ecsmini/hooks.
	Hooks *hooks.Runner
	// Alarms, if set, serves the CloudWatch alarms at /_ecsmini/alarms.
	Alarms *alarms.Service
}

// Mux is where the handlers are mounted (an *http.ServeMux, httpapi's Handler).
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Mount registers every /_ecsmini/* endpoint on mux. Followers of the event stream end
// with ctx, so pass the server's own lifetime: a graceful shutdown then does not wait
// for them.
func Mount(ctx context.Context, mux Mux, cfg Config) {
	emu := cfg.Emulator
	mux.Handle(HealthPath, healthHandler(cfg.Health))
	mux.Handle(ClockPath, clockHandler(cfg.Clock, cfg.ClockMoved))
	if cfg.Shutdown != nil {
		mux.Handle(ShutdownPath, shutdownHandler(cfg.Shutdown))
	}
	mux.Handle(CostPath, costHandler(emu, cfg.Prices, cfg.PriceSource))
	mux.Handle(LoadBalancersPath, loadBalancersHandler(emu))
	mux.Handle(LBPortsPath, lbPortsHandler(emu))
	mountSpot(emu, mux)
	mountEC2(emu, mux)
	mux.Handle(RetirePath, retireHandler(emu))
	mux.Handle(DiscoveryPath, discoveryHandler(emu))
	mux.Handle(EventsPath, events.Handler(ctx, emu.Events()))
	if cfg.Logs != nil {
		mux.Handle(LogsPath, logs.Handler(cfg.Logs))
	}
	if cfg.Hooks != nil {
		mux.Handle(HooksPath, hooksHandler(cfg.Hooks))
	}
	if cfg.Alarms != nil {
		mux.Handle(AlarmsPath, alarmsHandler(cfg.Alarms))
	}
}

// jsonHandler serves POST (and, with get, GET) of a JSON request: decode into a fresh
// In, call do, encode its answer or its error.
func jsonHandler[In, Out any](get bool, do func(context.Context, *In, *http.Request) (Out, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		in := new(In)
		switch {
		case r.Method == http.MethodPost:
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(in); err != nil {
				writeError(w, ecs.Errorf(ecs.CodeSerialization, "the request is not valid JSON: %v", err))
				return
			}
		case r.Method == http.MethodGet && get:
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		out, err := do(r.Context(), in, r)
		if err != nil {
			writeError(w, err)
			return
		}
		_ = json.NewEncoder(w).Encode(out) // a vanished client is not worth reporting
	})
}

// writeError answers ECS-shaped: {"__type", "message"}, 400 for an *ecs.Error, 500
// for anything else.
func writeError(w http.ResponseWriter, err error) {
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
