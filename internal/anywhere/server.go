package anywhere

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
	"github.com/ecsmini/ecsmini/internal/httpguard"
	"net"
)

// Paths of the agent endpoints.
const (
	PollPath  = "/_ecsmini/agent/poll"
	TokenPath = ecsminiapi.AgentTokenPath
)

// PollRequest asks for an instance's work. Version is the version of the work the
// agent has: the answer waits (at most Wait, and at most a third of the heartbeat
// timeout) until the work differs from it.
type PollRequest struct {
	Cluster           string        `json:"cluster"`
	ContainerInstance string        `json:"containerInstance"`
	Version           string        `json:"version,omitempty"`
	Wait              time.Duration `json:"wait,omitempty"`
}

// Backend is what the endpoints need of the control plane.
type Backend interface {
	AgentPoll(ctx context.Context, cluster, instance string) (*emulator.AgentWork, <-chan struct{}, error)
	AgentHeartbeatTimeout() time.Duration
	AgentHealth(ctx context.Context, cluster, instance string, tasks []emulator.AgentTaskHealth) error
}

// Mux is where the endpoints are mounted.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// MaxWait bounds one poll.
const MaxWait = 20 * time.Second

// Mount serves the agent endpoints (the poll, and what remote tasks need of src),
// guarded by token, and the token itself to clients on this machine.
func Mount(mux Mux, b Backend, token string, src Sources) {
	mux.Handle(PollPath, pollHandler(b, token, src))
	mountSources(mux, b, token, src)
	mux.Handle(TokenPath, sameMachineOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(ecsminiapi.TokenAnswer{Token: token}) // a vanished client is not worth reporting
	})))
}

func pollHandler(b Backend, token string, src Sources) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in PollRequest
		if !admit(w, r, token, 1<<16, &in) {
			return
		}
		wait := min(in.Wait, MaxWait, b.AgentHeartbeatTimeout()/3)
		timer := time.NewTimer(max(wait, 0))
		defer timer.Stop()
		for {
			work, changed, err := b.AgentPoll(r.Context(), in.Cluster, in.ContainerInstance)
			if err != nil {
				var ee *ecs.Error
				if errors.As(err, &ee) {
					writeError(w, http.StatusBadRequest, ee)
				} else {
					writeError(w, http.StatusInternalServerError, ecs.Errorf(ecs.CodeServer, "%v", err))
				}
				return
			}
			if work.Version != in.Version || wait <= 0 {
				_ = json.NewEncoder(w).Encode(Work{AgentWork: *work, Credentials: src.credentials(work)})
				return
			}
			select {
			case <-changed:
			case <-timer.C:
				wait = 0 // answer with what there is: the agent polls again
			case <-r.Context().Done():
				return
			}
		}
	})
}

func writeError(w http.ResponseWriter, status int, e *ecs.Error) {
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
}

// sameMachineOnly passes requests from this machine: from a loopback address, or from
// one of this machine's own addresses (an ecsmini listening on a LAN address only is
// reached from itself at that address). Everything else is refused as
// httpguard.LoopbackOnly refuses it.
func sameMachineOnly(h http.Handler) http.Handler {
	loopback := httpguard.LoopbackOnly(h)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err == nil && ip != nil && !ip.IsLoopback() && ownAddress(ip) {
			h.ServeHTTP(w, r)
			return
		}
		loopback.ServeHTTP(w, r)
	})
}

// ownAddress says whether ip is an address of one of this machine's interfaces.
func ownAddress(ip net.IP) bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}
