package ecsminiapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/hooks"
)

// HooksPath lists (GET), sets (POST hooks.Target) and removes (DELETE ?arn=ARN) the
// mappings that answer deployment lifecycle hooks locally.
const HooksPath = "/_ecsmini/hooks"

// Hooks is the list of mappings.
type Hooks struct {
	Hooks []hooks.Target `json:"hooks"`
}

// HookRemoved says whether DELETE found the mapping.
type HookRemoved struct {
	Removed bool `json:"removed"`
}

func hooksHandler(r *hooks.Runner) http.Handler {
	list := func() Hooks { return Hooks{Hooks: r.List()} }
	set := jsonHandler(true, func(_ context.Context, in *hooks.Target, req *http.Request) (Hooks, error) {
		if req.Method == http.MethodGet {
			return list(), nil
		}
		// A command runs on the host as the user: only ecsmini's own client may name
		// one (the guard already refuses browsers; this refuses any other caller that
		// merely sends JSON).
		if in.Command != "" && req.Header.Get(ClientHeader) != ClientName {
			return Hooks{}, ecs.Errorf(ecs.CodeAccessDenied, "a command hook can only be set with 'ecsmini hook set' or 'ecsmini up --hook'")
		}
		if err := r.Set(*in); err != nil {
			return Hooks{}, ecs.Errorf(ecs.CodeInvalidParameter, "%s", err.Error())
		}
		return list(), nil
	})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodDelete {
			set.ServeHTTP(w, req)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		found, err := r.Remove(req.URL.Query().Get("arn"))
		if err != nil {
			writeError(w, err)
			return
		}
		_ = json.NewEncoder(w).Encode(HookRemoved{Removed: found}) // a vanished client is not worth reporting
	})
}

// Hooks lists the lifecycle hook mappings.
func (c *Client) Hooks(ctx context.Context) (Hooks, error) {
	var out Hooks
	err := c.do(ctx, HooksPath, http.MethodGet, HooksPath, nil, &out)
	return out, err
}

// SetHook maps a hook target ARN to an endpoint or a command.
func (c *Client) SetHook(ctx context.Context, t hooks.Target) (Hooks, error) {
	var out Hooks
	err := c.do(ctx, HooksPath, http.MethodPost, HooksPath, t, &out)
	return out, err
}

// RemoveHook drops the mapping of arn.
func (c *Client) RemoveHook(ctx context.Context, arn string) (HookRemoved, error) {
	var out HookRemoved
	err := c.do(ctx, HooksPath, http.MethodDelete, HooksPath+"?arn="+url.QueryEscape(arn), nil, &out)
	return out, err
}
