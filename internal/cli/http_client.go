package cli

import (
	"net/http"

	"github.com/ecsmini/ecsmini/internal/httpguard"
)

// localHTTP is the client ecsmini's commands use to reach a running ecsmini. It marks
// every request with httpguard.ClientHeader, which the guard in front of the API asks
// of state-changing /_ecsmini/ requests (so that a cross-site form cannot send them).
var localHTTP = &http.Client{Transport: httpguard.ClientTransport(nil)}
