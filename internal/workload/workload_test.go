package workload

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that the workload may write while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// signals returns a channel that already holds sigs, delivered in order.
func signals(sigs ...os.Signal) chan os.Signal {
	ch := make(chan os.Signal, len(sigs)+1)
	for _, s := range sigs {
		ch <- s
	}
	return ch
}

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		wantCode int // 0: Run returns nil
		wantErr  string
		wantOut  []string // lines that must appear, in this order
		notOut   []string
	}{
		{
			name:     "exit code after duration",
			cfg:      Config{ExitAfter: new(20 * time.Millisecond), ExitCode: 3},
			wantCode: 3,
			wantOut:  []string{"workload: started", "workload: exiting with code 3 after 20ms"},
		},
		{
			name:    "exit 0 at once",
			cfg:     Config{ExitAfter: new(time.Duration(0))},
			wantOut: []string{"workload: exiting with code 0 after 0s"},
		},
		{
			name:    "log lines at start, in order",
			cfg:     Config{ExitAfter: new(time.Duration(0)), Logs: []string{"hello", "second line"}},
			wantOut: []string{"workload: started", "hello", "second line", "workload: exiting"},
		},
		{
			name:    "SIGTERM exits 0 even with an exit code",
			cfg:     Config{ExitCode: 5, Signals: signals(syscall.SIGTERM)},
			wantOut: []string{"workload: received SIGTERM, exiting"},
		},
		{
			name:    "SIGINT exits 0",
			cfg:     Config{Signals: signals(syscall.SIGINT)},
			wantOut: []string{"workload: received SIGINT, exiting"},
		},
		{
			name: "ignored SIGTERM, then SIGINT",
			cfg:  Config{IgnoreSIGTERM: true, Signals: signals(syscall.SIGTERM, syscall.SIGTERM, syscall.SIGINT)},
			wantOut: []string{
				"workload: received SIGTERM, ignoring",
				"workload: received SIGTERM, ignoring",
				"workload: received SIGINT, exiting",
			},
		},
		{
			name:     "ignored SIGTERM, then the exit timer",
			cfg:      Config{IgnoreSIGTERM: true, ExitAfter: new(30 * time.Millisecond), ExitCode: 7, Signals: signals(syscall.SIGTERM)},
			wantCode: 7,
			wantOut:  []string{"workload: received SIGTERM, ignoring", "workload: exiting with code 7"},
			notOut:   []string{"SIGTERM, exiting"},
		},
		{
			name:    "allocate small",
			cfg:     Config{AllocateMiB: 2, ExitAfter: new(time.Duration(0))},
			wantOut: []string{"workload: allocated 2 MiB", "workload: exiting"},
		},
		{name: "negative allocation", cfg: Config{AllocateMiB: -1}, wantErr: "allocate"},
		{name: "huge allocation", cfg: Config{AllocateMiB: 1<<20 + 1}, wantErr: "allocate"},
		{name: "negative exit after", cfg: Config{ExitAfter: new(-time.Second)}, wantErr: "exit after"},
		{name: "exit code above 255", cfg: Config{ExitCode: 256}, wantErr: "exit code"},
		{name: "bad listen address", cfg: Config{Listen: "nonsense"}, wantErr: "listen on nonsense"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if tc.cfg.Signals == nil {
				tc.cfg.Signals = signals()
			}
			var out, errOut bytes.Buffer
			err := Run(ctx, tc.cfg, &out, &errOut)
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				var ee *ExitError
				if errors.As(err, &ee) {
					t.Fatalf("a config error must not be an ExitError: %v", err)
				}
				return
			case tc.wantCode == 0 && err != nil:
				t.Fatalf("err = %v, want nil", err)
			case tc.wantCode != 0:
				var ee *ExitError
				if !errors.As(err, &ee) || ee.Code != tc.wantCode {
					t.Fatalf("err = %v, want ExitError{%d}", err, tc.wantCode)
				}
			}
			if ctx.Err() != nil {
				t.Fatal("Run ended by the test's deadline, not by itself")
			}
			assertLinesInOrder(t, out.String(), tc.wantOut)
			for _, s := range tc.notOut {
				if strings.Contains(out.String(), s) {
					t.Errorf("output contains %q:\n%s", s, out.String())
				}
			}
		})
	}
}

// assertLinesInOrder checks that each of want starts a line of out, in order.
func assertLinesInOrder(t *testing.T, out string, want []string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	i := 0
	for _, w := range want {
		for i < len(lines) && !strings.HasPrefix(lines[i], w) {
			i++
		}
		if i == len(lines) {
			t.Fatalf("no line starting %q (in order) in:\n%s", w, out)
		}
		i++
	}
}

func TestRunStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	out := &syncBuffer{}
	go func() { done <- Run(ctx, Config{Signals: signals()}, out, out) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestRunServesUntilSIGTERM(t *testing.T) {
	sigs := make(chan os.Signal, 1)
	addrs := make(chan net.Addr, 1)
	out := &syncBuffer{}
	cfg := Config{
		Listen:    "127.0.0.1:0",
		Signals:   sigs,
		Listening: func(a net.Addr) { addrs <- a },
	}
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), cfg, out, out) }()
	var addr net.Addr
	select {
	case addr = <-addrs:
	case err := <-done:
		t.Fatalf("Run returned before listening: %v\n%s", err, out)
	case <-time.After(5 * time.Second):
		t.Fatal("not listening after 5s")
	}
	port := addr.(*net.TCPAddr).Port
	if want := "workload: listening on 127.0.0.1:"; !strings.Contains(out.String(), want) {
		t.Errorf("no %q line in:\n%s", want, out)
	}
	if err := Probe(context.Background(), "http://"+addr.String()+"/health", 2*time.Second); err != nil {
		t.Fatal(err)
	}

	// A second workload on the same port fails to start, with an error rather than an exit code.
	err := Run(context.Background(), Config{Listen: addr.String(), Signals: signals()}, &bytes.Buffer{}, &bytes.Buffer{})
	var ee *ExitError
	if err == nil || errors.As(err, &ee) {
		t.Errorf("second listener on port %d: err = %v, want a listen error", port, err)
	}

	sigs <- syscall.SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not exit on SIGTERM")
	}
	assertLinesInOrder(t, out.String(), []string{"workload: listening on", "workload: received SIGTERM, exiting", "workload: http server stopped"})
	if err := Probe(context.Background(), "http://"+addr.String()+"/health", time.Second); err == nil {
		t.Error("server still answers after Run returned")
	}
}

func TestListenAddr(t *testing.T) {
	actual := &net.TCPAddr{IP: net.IPv6zero, Port: 8080}
	for listen, want := range map[string]string{
		":8080":        ":8080",
		"127.0.0.1:0":  "127.0.0.1:8080",
		"[::1]:0":      "[::1]:8080",
		"not-an-addr":  "[::]:8080",
		"0.0.0.0:8080": "0.0.0.0:8080",
	} {
		if got := listenAddr(listen, actual); got != want {
			t.Errorf("listenAddr(%q) = %q, want %q", listen, got, want)
		}
	}
}

func TestAllocateTouchesEveryPage(t *testing.T) {
	held := allocate(3)
	if len(held) != 3 {
		t.Fatalf("%d chunks, want 3", len(held))
	}
	page := os.Getpagesize()
	for c, chunk := range held {
		if len(chunk) != 1<<20 {
			t.Fatalf("chunk %d is %d bytes", c, len(chunk))
		}
		for i := 0; i < len(chunk); i += page {
			if chunk[i] != 1 {
				t.Fatalf("chunk %d page at %d untouched", c, i)
			}
		}
	}
	if got := allocate(0); len(got) != 0 {
		t.Errorf("allocate(0) = %d chunks", len(got))
	}
}

func TestExitErrorMessage(t *testing.T) {
	if got := (&ExitError{Code: 3}).Error(); got != "workload exited with code 3" {
		t.Errorf("got %q", got)
	}
}
