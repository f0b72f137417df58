package lb

import (
	"io"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// newBenchLB runs a balancer on the real clock in front of the given backends.
func newBenchLB(b *testing.B, addrs ...string) *Balancer {
	b.Helper()
	lb, err := New(Config{Clock: clock.Real{}, HealthInterval: 10 * time.Millisecond, HealthyThreshold: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = lb.Close() })
	for i, addr := range addrs {
		lb.Register(strconv.Itoa(i), addr)
	}
	for i := range addrs {
		for lb.Health(strconv.Itoa(i)) != StateHealthy {
			time.Sleep(time.Millisecond)
		}
	}
	return lb
}

// BenchmarkConnect: a new connection through the balancer, one small request and reply.
func BenchmarkConnect(b *testing.B) {
	be1, be2 := startBenchBackend(b), startBenchBackend(b)
	lb := newBenchLB(b, be1, be2)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		conn, err := net.Dial("tcp", lb.Addr())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := conn.Write([]byte("ping\n")); err != nil {
			b.Fatal(err)
		}
		buf := make([]byte, 16)
		if _, err := io.ReadAtLeast(conn, buf, 1); err != nil {
			b.Fatal(err)
		}
		_ = conn.Close()
	}
}

// BenchmarkThroughputDirect is BenchmarkThroughput without the balancer, for scale.
func BenchmarkThroughputDirect(b *testing.B) {
	benchThroughput(b, startBenchBackend(b))
}

// BenchmarkThroughput: bytes per second through one proxied connection, client to
// backend, ended by a half-close that the backend acknowledges.
func BenchmarkThroughput(b *testing.B) {
	benchThroughput(b, newBenchLB(b, startBenchBackend(b)).Addr())
}

func benchThroughput(b *testing.B, addr string) {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	chunk := make([]byte, 64<<10)
	b.SetBytes(int64(len(chunk)))
	b.ResetTimer()
	for range b.N {
		if _, err := conn.Write(chunk); err != nil {
			b.Fatal(err)
		}
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		b.Fatal(err)
	}
	got, err := io.ReadAll(conn)
	if err != nil {
		b.Fatal(err)
	}
	if want := strconv.Itoa(b.N * len(chunk)); string(got) != want {
		b.Fatalf("backend counted %s bytes, want %s", got, want)
	}
}

// startBenchBackend serves "ping" with "pong", and otherwise counts what a connection
// sends until EOF and answers with the count.
func startBenchBackend(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				buf := make([]byte, 512)
				n, err := conn.Read(buf)
				if err != nil {
					return
				}
				if string(buf[:n]) == "ping\n" {
					_, _ = conn.Write([]byte("pong\n"))
					return
				}
				rest, _ := io.Copy(io.Discard, conn)
				_, _ = io.WriteString(conn, strconv.FormatInt(int64(n)+rest, 10))
			}()
		}
	}()
	return ln.Addr().String()
}
