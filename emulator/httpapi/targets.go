package httpapi

import (
	"net/http"
	"strings"
)

// targetRoute sends requests whose X-Amz-Target starts with prefix to another AWS
// service's handler (CloudWatch Logs' Logs_20140328., say), so every API ecsmini serves
// shares one listener and one endpoint URL, as the AWS_ENDPOINT_URL_<SERVICE>
// variables expect.
type targetRoute struct {
	prefix  string
	handler http.Handler
}

// HandleTarget serves POST / requests whose X-Amz-Target starts with prefix (which must
// end in "." and not be ECS's own) with handler. Register before serving.
func (h *Handler) HandleTarget(prefix string, handler http.Handler) {
	h.targets = append(h.targets, targetRoute{prefix: prefix, handler: handler})
}

// HandlePath serves requests whose URL path starts with prefix with handler: the
// Smithy RPC v2 protocols route by path (/service/<Service>/operation/<Name>), not by
// X-Amz-Target. Register before serving.
func (h *Handler) HandlePath(prefix string, handler http.Handler) {
	h.paths = append(h.paths, targetRoute{prefix: prefix, handler: handler})
}

// pathHandler is the handler registered for path's prefix, or nil.
func (h *Handler) pathHandler(path string) http.Handler {
	for _, t := range h.paths {
		if strings.HasPrefix(path, t.prefix) {
			return t.handler
		}
	}
	return nil
}

// targetHandler is the handler registered for target's prefix, or nil.
func (h *Handler) targetHandler(target string) http.Handler {
	for _, t := range h.targets {
		if strings.HasPrefix(target, t.prefix) {
			return t.handler
		}
	}
	return nil
}
