package serviceconnect

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"sync/atomic"
	"time"
)

// Errors the HTTP proxy answers with, in Envoy's words (what a Service Connect client
// sees from the real proxy).
var (
	errNoEndpoints = errors.New("no healthy upstream")
	errConnect     = errors.New("upstream connect error or disconnect/reset before headers")
	errTimeout     = errors.New("upstream request timeout")
)

// httpServer is the server of an HTTP listener: every request is forwarded to the next
// endpoint in turn.
func (p *Proxy) httpServer(l *listener) *http.Server {
	h2 := l.spec.AppProtocol == ProtocolHTTP2 || l.spec.AppProtocol == ProtocolGRPC
	name := l.spec.Name
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           (&net.Dialer{Timeout: p.connectTimeout()}).DialContext,
		IdleConnTimeout:       l.spec.IdleTimeout(),
		MaxIdleConnsPerHost:   16,
		ResponseHeaderTimeout: 0, // the per-request timeout covers it
	}
	var in http.Protocols
	in.SetHTTP1(true)
	in.SetUnencryptedHTTP2(true)
	if h2 {
		var out http.Protocols
		out.SetUnencryptedHTTP2(true)
		tr.Protocols = &out
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = "http"
			pr.Out.URL.Host = name // replaced by the endpoint in RoundTrip
			pr.Out.Host = pr.In.Host
			pr.SetXForwarded()
		},
		Transport: &balancer{l: l, rt: tr, timeout: l.spec.PerRequestTimeout()},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			status := http.StatusServiceUnavailable
			msg := errConnect.Error()
			switch {
			case errors.Is(err, errNoEndpoints):
				msg = err.Error()
			case errors.Is(err, errTimeout):
				status, msg = http.StatusGatewayTimeout, err.Error()
			case r.Context().Err() != nil:
				return // the client went away
			}
			l.counts.failures.Add(1)
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, msg)
		},
	}
	if h2 {
		rp.FlushInterval = -1 // streams (gRPC) pass through as they come
	}
	srv := &http.Server{Handler: rp, Protocols: &in, IdleTimeout: l.spec.IdleTimeout(),
		ReadHeaderTimeout: 30 * time.Second, ErrorLog: nil}
	srv.RegisterOnShutdown(tr.CloseIdleConnections)
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			l.counts.connections.Add(1)
		}
	}
	return srv
}

// balancer sends each request to the next endpoint in turn, and to the following ones
// when the connection fails before the request went out.
type balancer struct {
	l       *listener
	rt      http.RoundTripper
	timeout time.Duration
}

func (b *balancer) RoundTrip(req *http.Request) (*http.Response, error) {
	b.l.counts.requests.Add(1)
	eps := b.l.pool.order(attempts)
	if len(eps) == 0 {
		closeBody(req)
		return nil, errNoEndpoints
	}
	ctx, cancelCtx := context.WithCancel(req.Context())
	var timedOut atomic.Bool
	stopTimer := func() bool { return false }
	if b.timeout > 0 {
		t := time.AfterFunc(b.timeout, func() { timedOut.Store(true); cancelCtx() })
		stopTimer = t.Stop
	}
	cancel := func() { stopTimer(); cancelCtx() }
	var body *trackedBody
	if req.Body != nil && req.Body != http.NoBody {
		body = &trackedBody{rc: req.Body}
	}
	var err error
	for _, ep := range eps {
		out := req.Clone(ctx)
		out.URL.Host = ep
		if body != nil {
			out.Body = body
		}
		var resp *http.Response
		resp, err = b.rt.RoundTrip(out)
		if err == nil {
			// The timeout covers the whole response, as Envoy's route timeout does.
			resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
			return resp, nil
		}
		if timedOut.Load() {
			err = errTimeout
			b.l.counts.timeouts.Add(1)
			break
		}
		if !isConnectFailure(err) || (body != nil && body.read.Load()) || req.Context().Err() != nil {
			break // the request may have reached the endpoint: not safe to repeat
		}
		b.l.counts.connectFailures.Add(1)
		b.l.pool.failed(ep)
		err = errors.Join(errConnect, err)
	}
	if body != nil {
		_ = body.rc.Close()
	}
	cancel()
	return nil, err
}

// isConnectFailure tells an error of connecting to an endpoint (nothing was sent).
func isConnectFailure(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

// trackedBody is a request body that several attempts may be given: closing is left to
// the balancer, and read says whether an attempt consumed any of it.
type trackedBody struct {
	rc   io.ReadCloser
	read atomic.Bool
}

func (t *trackedBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if n > 0 {
		t.read.Store(true)
	}
	return n, err
}

func (t *trackedBody) Close() error { return nil }

// cancelBody ends the request's context when the response body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelBody) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
