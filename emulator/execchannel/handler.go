package execchannel

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

// ClientIDPrefix marks ecsmini's own client in the opening frame's ClientId: it is sent
// the command's exit code before channel_closed.
const ClientIDPrefix = "ecsmini-exec-"

// openTimeout bounds the wait for the opening frame after the WebSocket upgrade.
const openTimeout = 30 * time.Second

// Sessions is the control plane's side of a session (emulator.Emulator).
type Sessions interface {
	OpenExecSession(sessionID, token string, cancel func()) (ecs.ExecTarget, error)
	CloseExecSession(sessionID string, exitCode int, err error)
}

// Config configures a Handler.
type Config struct {
	Sessions Sessions
	Runtime  containers.Execer
	// Clock times the protocol (resends, the wait for the first terminal size) and
	// dates messages. Give it wall time (clock.Real), not a scaled emulator clock: the
	// peer is a real program. Default clock.Real.
	Clock clock.Clock
	// LogDir keeps the output of sessions whose cluster logs ECS Exec (logging DEFAULT
	// or OVERRIDE) as LogDir/<sessionId>.log; "" keeps none.
	LogDir string
	Log    *slog.Logger
}

// Handler serves the data channel at ecs.ExecDataChannelPath + "{id}".
type Handler struct {
	cfg      Config
	upgrader websocket.Upgrader
}

// NewHandler returns the data channel handler.
func NewHandler(cfg Config) *Handler {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	// The session token is the credential; the plugin sends no Origin to check.
	return &Handler{cfg: cfg, upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, ecs.ExecDataChannelPath)
	if id == "" || strings.Contains(id, "/") {
		http.Error(w, "no such ECS Exec session", http.StatusNotFound)
		return
	}
	ws, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		h.cfg.Log.Warn("exec data channel: upgrade", "session", id, "err", err)
		return // the upgrader has answered the client
	}
	defer ws.Close()
	open, err := readOpen(ws)
	if err != nil {
		h.cfg.Log.Warn("exec data channel: opening frame", "session", id, "err", err)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s := newSession(h.cfg, ws, id, strings.HasPrefix(open.ClientID, ClientIDPrefix), cancel)
	target, err := h.cfg.Sessions.OpenExecSession(id, open.TokenValue, cancel)
	if err != nil {
		s.closeWith(err.Error())
		return
	}
	s.target = target
	code, err := s.run(ctx)
	h.cfg.Sessions.CloseExecSession(id, code, err) // a no-op when run already closed it
}

// readOpen reads the opening text frame.
func readOpen(ws *websocket.Conn) (ssmsession.OpenDataChannel, error) {
	var open ssmsession.OpenDataChannel
	if err := ws.SetReadDeadline(time.Now().Add(openTimeout)); err != nil {
		return open, fmt.Errorf("set deadline: %w", err)
	}
	kind, b, err := ws.ReadMessage()
	if err != nil {
		return open, fmt.Errorf("read: %w", err)
	}
	if kind != websocket.TextMessage {
		return open, fmt.Errorf("the first frame is binary, want the text frame with the token")
	}
	if err := json.Unmarshal(b, &open); err != nil {
		return open, fmt.Errorf("decode %q: %w", b, err)
	}
	return open, ws.SetReadDeadline(time.Time{})
}
