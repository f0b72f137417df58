package cli

import (
	"fmt"
	"strconv"
	"strings"
)

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
