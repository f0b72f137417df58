package httpguard

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ClientHeader marks a request as coming from a program rather than a browser form:
// ecsmini's own CLI sends it on every request.
const ClientHeader = "X-Ecsmini-Client"

// extrasPrefix is where ecsmini's own endpoints live, next to the ECS API on POST /.
const extrasPrefix = "/_ecsmini/"

// Config says which requests a guarded listener accepts.
type Config struct {
	// Listen is the address the listener is bound to (host:port). Its host is an
	// accepted Host besides the loopback names and addresses.
	Listen string
	// Hosts are further accepted Host names or addresses (--allow-host).
	Hosts []string
	// AnyAddress accepts every IP address as Host and refuses only names not allowed:
	// for listeners that containers reach by addresses (the metadata endpoints, which
	// SDKs also reach as 169.254.170.2). Rebinding needs a name, so this keeps it out.
	AnyAddress bool
	// Origins are the browser origins accepted, as scheme://host[:port]
	// (--allow-origin).
	Origins []string
	// HostFlag and OriginFlag name the flags that allow a host or an origin, for the
	// refusal messages; empty: the messages name no flag.
	HostFlag, OriginFlag string
	// MaxBodyBytes, if positive, caps every request body: a larger declared length is
	// refused with 413, and reading past the cap fails.
	MaxBodyBytes int64
	// Log, if set, records each refusal (someone may be probing the API).
	Log *slog.Logger
}

// Guard is an http.Handler that refuses what Config does not allow and passes the
// rest to the next handler.
type Guard struct {
	next     http.Handler
	listen   string // host of Config.Listen, lower case, without brackets
	anyIP    bool   // the listener is bound to every address (0.0.0.0 or ::)
	hosts    map[string]bool
	origins  map[string]bool
	hostFlag string
	origFlag string
	maxBody  int64
	log      *slog.Logger
}

// New wraps next with the checks c describes.
func New(c Config, next http.Handler) *Guard {
	g := &Guard{next: next, hosts: map[string]bool{}, origins: map[string]bool{},
		hostFlag: c.HostFlag, origFlag: c.OriginFlag, maxBody: c.MaxBodyBytes, log: c.Log}
	if h, _, err := net.SplitHostPort(c.Listen); err == nil {
		g.listen = normalHost(h)
		ip := net.ParseIP(g.listen)
		g.anyIP = g.listen == "" || (ip != nil && ip.IsUnspecified())
	}
	if c.AnyAddress {
		g.anyIP = true
	}
	for _, h := range c.Hosts {
		g.hosts[normalHost(h)] = true
	}
	for _, o := range c.Origins {
		g.origins[normalOrigin(o)] = true
	}
	return g
}

func (g *Guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if msg := g.refusal(r); msg != "" {
		if g.log != nil {
			g.log.Warn("refused a request", "method", r.Method, "path", r.URL.Path, "host", r.Host,
				"origin", r.Header.Get("Origin"), "remote", r.RemoteAddr, "reason", msg)
		}
		refuse(w, r, http.StatusForbidden, ecs.CodeAccessDenied, msg)
		return
	}
	if origin := r.Header.Get("Origin"); origin != "" { // an allowed origin: let its page read the answer
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Add("Vary", "Origin")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE")
			w.Header().Set("Access-Control-Allow-Headers", r.Header.Get("Access-Control-Request-Headers"))
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	if g.maxBody > 0 {
		if r.ContentLength > g.maxBody {
			refuse(w, r, http.StatusRequestEntityTooLarge, ecs.CodeSerialization,
				fmt.Sprintf("The request body of %d bytes exceeds ecsmini's limit of %d bytes.", r.ContentLength, g.maxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, g.maxBody)
	}
	g.next.ServeHTTP(w, r)
}

// refusal says why r is refused, or "" when it may pass.
func (g *Guard) refusal(r *http.Request) string {
	if host := requestHost(r.Host); !g.hostAllowed(host) {
		return fmt.Sprintf("ecsmini refused a request for host %q: it answers only to loopback names and addresses (localhost, 127.0.0.1, [::1]) and its listen address, so that a web page cannot reach it by DNS rebinding%s",
			r.Host, g.allowHint(g.hostFlag, host))
	}
	if origin, ok := r.Header["Origin"]; ok {
		o := ""
		if len(origin) > 0 {
			o = origin[0]
		}
		if !g.origins[normalOrigin(o)] {
			return fmt.Sprintf("ecsmini refused a request from the web page at origin %q: browsers may not drive ecsmini, which runs containers with host mounts%s",
				o, g.allowHint(g.origFlag, o))
		}
	}
	if strings.HasPrefix(r.URL.Path, motoPrefix) && browserLike(r) {
		return fmt.Sprintf("ecsmini refused %s %s: it looks like a browser's request (Content-Type %q%s), and only programs such as moto's client may reset ecsmini",
			r.Method, r.URL.Path, r.Header.Get("Content-Type"), fetchHint(r))
	}
	if strings.HasPrefix(r.URL.Path, extrasPrefix) && !safeMethod(r.Method) && !nonSimple(r) {
		return fmt.Sprintf("ecsmini refused %s %s with Content-Type %q: its own endpoints need Content-Type: application/json or an %s header, which a cross-site form cannot send",
			r.Method, r.URL.Path, r.Header.Get("Content-Type"), ClientHeader)
	}
	return ""
}

func (g *Guard) allowHint(flag, value string) string {
	if flag == "" || value == "" {
		return ""
	}
	return fmt.Sprintf("; to allow it, start ecsmini with %s %s", flag, value)
}

// hostAllowed reports whether host (normalised, without port) may be asked for.
func (g *Guard) hostAllowed(host string) bool {
	switch {
	case host == "localhost", g.hosts[host]:
		return true
	case host == "":
		// HTTP/1.0 without Host: no browser sends that, and the socket's address decides.
		return true
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false // a DNS name the user did not allow: the DNS-rebinding case
	}
	// An address, not a name: a page cannot rebind an address to the user's machine,
	// so loopback, the listen address and, when bound to every address, any address of
	// this host as the client reached it are fine.
	return ip.IsLoopback() || host == g.listen || g.anyIP
}

// requestHost is the host of a Host header, lower case, without port or brackets.
func requestHost(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	return normalHost(h)
}

func normalHost(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.TrimSuffix(h, ".")
}

func normalOrigin(o string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(o)), "/")
}

// safeMethod is a method that must not change state, so needs no protection from
// cross-site forms (whose answers the page cannot read).
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// nonSimple reports whether r is something a browser sends only after a CORS
// preflight (which ecsmini never approves): a JSON body or a custom header.
func nonSimple(r *http.Request) bool {
	if r.Header.Get(ClientHeader) != "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/x-amz-json"))
}

// refuse answers status in ECS's error shape, which the AWS CLI and SDKs print as
// "<code>: <message>" and ecsmini's own endpoints use too.
func refuse(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	ct := "application/json"
	if !strings.HasPrefix(r.URL.Path, extrasPrefix) {
		ct = "application/x-amz-json-1.1"
	}
	b, _ := json.Marshal(map[string]string{"__type": code, "message": msg}) // strings always encode
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(b) // a vanished client has nothing left to be told
}
