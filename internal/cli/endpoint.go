package cli

import "strings"

// endpointURL resolves where a running ecsmini is: --endpoint, else ECSMINI_ENDPOINT,
// else AWS_ENDPOINT_URL_ECS, else the default listen address.
func endpointURL(flag string) string {
	u := flag
	if u == "" {
		u = getenv("ECSMINI_ENDPOINT", "AWS_ENDPOINT_URL_ECS")
	}
	if u == "" {
		u = "http://" + DefaultListen
	}
	if !strings.Contains(u, "://") {
		u = "http://" + u
	}
	return strings.TrimRight(u, "/")
}
