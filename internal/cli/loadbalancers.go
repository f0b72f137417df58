package cli

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator"
)

// loadBalancersPath lists the local load balancers of services' target groups.
const loadBalancersPath = "/_ecsmini/loadbalancers"

func loadBalancersHandler(emu *emulator.Emulator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(emu.LoadBalancers()) // a vanished client is not worth reporting
	})
}

// parseLBPorts reads --lb-port NAME=PORT values.
func parseLBPorts(specs []string) (map[string]int, error) {
	out := map[string]int{}
	for _, s := range specs {
		name, port, ok := strings.Cut(s, "=")
		p, err := strconv.Atoi(port)
		if !ok || name == "" || err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("--lb-port %q: want NAME=PORT, e.g. web-tg=8080", s)
		}
		out[name] = p
	}
	return out, nil
}
