package httpguard

import "net/http"

// ClientTransport returns a RoundTripper that sends every request through rt (nil:
// http.DefaultTransport) with the ClientHeader set, so that ecsmini's own commands
// pass the guard on any endpoint, whatever their body.
func ClientTransport(rt http.RoundTripper) http.RoundTripper {
	if rt == nil {
		rt = http.DefaultTransport
	}
	return clientTransport{rt}
}

type clientTransport struct{ next http.RoundTripper }

func (t clientTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get(ClientHeader) == "" {
		r = r.Clone(r.Context()) // a RoundTripper must not modify the caller's request
		r.Header.Set(ClientHeader, "ecsmini")
	}
	return t.next.RoundTrip(r)
}
