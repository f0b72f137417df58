package serviceconnect

import (
	"io"
	"net/http"
	"testing"
)

// BenchmarkHTTPRequest is one request through an HTTP alias to one of two endpoints,
// over a kept-alive client connection.
func BenchmarkHTTPRequest(b *testing.B) {
	eps := []string{backend(b, "a", false), backend(b, "b", false)}
	p := &Proxy{}
	if err := p.Update([]Listener{{Name: "api", Addr: "127.0.0.1:0", AppProtocol: "http", Endpoints: eps}}); err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	url := "http://" + p.Bound("127.0.0.1:0") + "/"
	c := &http.Client{}
	b.ResetTimer()
	for b.Loop() {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func BenchmarkPoolOrder(b *testing.B) {
	var p pool
	p.set([]string{"a", "b", "c", "d", "e"})
	for b.Loop() {
		_ = p.order(attempts)
	}
}
