package workload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
)

// Proxy forwards TCP connections accepted on Listen to Target. The pause container of
// an awsvpc task runs one so that the task's containers reach ecsmini's metadata and
// credentials endpoints on loopback (127.0.0.1 in the task's network namespace), the
// only plain-http host besides 169.254.170.2 that AWS SDKs accept for container
// credentials.
type Proxy struct {
	Listen string // e.g. 127.0.0.1:51679
	Target string // e.g. 172.18.0.1:40123
}

// ParseProxy reads "LISTEN=TARGET".
func ParseProxy(s string) (Proxy, error) {
	l, t, ok := strings.Cut(s, "=")
	if !ok || l == "" || t == "" {
		return Proxy{}, fmt.Errorf("proxy %q: want LISTEN=TARGET, e.g. 127.0.0.1:51679=172.18.0.1:40123", s)
	}
	return Proxy{Listen: l, Target: t}, nil
}

// startProxies listens on every proxy's address and forwards until ctx ends; the
// returned wait blocks until every forwarder has stopped.
func startProxies(ctx context.Context, proxies []Proxy, stdout io.Writer) (wait func(), err error) {
	var wg sync.WaitGroup
	var listeners []net.Listener
	for _, p := range proxies {
		ln, err := net.Listen("tcp", p.Listen)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return nil, fmt.Errorf("proxy %s: %w", p.Listen, err)
		}
		listeners = append(listeners, ln)
		logf(stdout, "proxying %s to %s", p.Listen, p.Target)
		wg.Add(1)
		go func(ln net.Listener, target string) {
			defer wg.Done()
			serveProxy(ln, target)
		}(ln, p.Target)
	}
	go func() {
		<-ctx.Done()
		for _, l := range listeners {
			l.Close()
		}
	}()
	return wg.Wait, nil
}

// serveProxy accepts until ln closes; each connection is copied both ways.
func serveProxy(ln net.Listener, target string) {
	for {
		c, err := ln.Accept()
		if errors.Is(err, net.ErrClosed) {
			return
		}
		if err != nil {
			continue
		}
		go func() {
			defer c.Close()
			up, err := net.Dial("tcp", target)
			if err != nil {
				return // the client sees its connection closed: the target is down
			}
			defer up.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(up, c); done <- struct{}{} }()
			go func() { _, _ = io.Copy(c, up); done <- struct{}{} }()
			<-done
		}()
	}
}
