package httpguard

import (
	"net"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// LoopbackOnly serves h only to clients connected from a loopback address, whatever
// address the listener is bound to: for endpoints (profiles, say) that reveal more
// than the API does and that nobody outside this machine needs.
func LoopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			refuse(w, r, http.StatusForbidden, ecs.CodeAccessDenied, "ecsmini serves "+r.URL.Path+" only to clients on this machine (a loopback address), not to "+r.RemoteAddr)
			return
		}
		h.ServeHTTP(w, r)
	})
}
