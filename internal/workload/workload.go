package workload

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

// Config says what the workload does. The zero Config runs until signalled and does
// nothing else.
type Config struct {
	// ExitAfter, when set, is how long to run before exiting with ExitCode; nil runs
	// until signalled (a pointer, so that an explicit 0 means "exit at once").
	ExitAfter *time.Duration
	ExitCode  int
	// IgnoreSIGTERM logs SIGTERM and keeps running, so a stop must escalate to SIGKILL.
	IgnoreSIGTERM bool
	// AllocateMiB is memory allocated and touched right after start and held until exit,
	// so that a container memory limit below it makes the kernel OOM-kill the process.
	AllocateMiB int
	// BurnCPU keeps one CPU busy for this long after start, then lets it idle: a load
	// that comes and goes, for Application Auto Scaling's CPU metric.
	BurnCPU time.Duration
	// Logs are printed, one line each, on stdout at start.
	Logs []string
	// Listen, when not empty, is the address of the HTTP server (e.g. ":8080").
	Listen string
	// Unhealthy makes GET /health answer 500.
	Unhealthy bool
	// Proxies are TCP forwarders to run (see Proxy).
	Proxies []Proxy
	// DNS, when set, is the task's DNS server to run (see DNS).
	DNS *DNS

	// Signals delivers the signals Run acts on; nil subscribes to SIGTERM and SIGINT of
	// this process. Tests inject a channel.
	Signals <-chan os.Signal
	// Getenv reads the environment shown on the page; nil is os.Getenv.
	Getenv func(string) string
	// Listening, when set, is told the address the server listens on once it accepts
	// connections (tests listen on port 0).
	Listening func(addr net.Addr)
}

// ExitError is the non-zero exit code the workload was told to exit with. It is not a
// failure of the workload; the command maps it to the process exit code.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("workload exited with code %d", e.Code) }

// maxAllocateMiB bounds AllocateMiB (1 TiB) so that an absurd value is an error rather
// than a runtime panic in make.
const maxAllocateMiB = 1 << 20

// Run runs the workload until it is told to exit, is signalled or ctx ends. It returns
// nil for exit code 0, an *ExitError for a requested non-zero code and any other error
// for a failure (bad config, address in use).
func Run(ctx context.Context, cfg Config, stdout, stderr io.Writer) error {
	if cfg.AllocateMiB < 0 || cfg.AllocateMiB > maxAllocateMiB {
		return fmt.Errorf("allocate: %d MiB is outside 0..%d", cfg.AllocateMiB, maxAllocateMiB)
	}
	if cfg.ExitAfter != nil && *cfg.ExitAfter < 0 {
		return fmt.Errorf("exit after: %v is negative", *cfg.ExitAfter)
	}
	if cfg.ExitCode < 0 || cfg.ExitCode > 255 {
		return fmt.Errorf("exit code: %d is outside 0..255", cfg.ExitCode)
	}
	signals := cfg.Signals
	if signals == nil && earlySignals != nil {
		signals = earlySignals
	}
	if signals == nil {
		ch := make(chan os.Signal, 4)
		signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
		defer signal.Stop(ch)
		signals = ch
	}
	logf(stdout, "started (pid %d)", os.Getpid())
	for _, line := range cfg.Logs {
		fmt.Fprintln(stdout, line)
	}
	if cfg.AllocateMiB > 0 {
		held := allocate(cfg.AllocateMiB)
		logf(stdout, "allocated %d MiB", cfg.AllocateMiB)
		// Keep the memory reachable until Run returns, so the GC cannot give it back.
		defer runtime.KeepAlive(held)
	}

	if cfg.BurnCPU > 0 {
		bctx, stop := context.WithTimeout(ctx, cfg.BurnCPU)
		defer stop()
		logf(stdout, "burning one CPU for %v", cfg.BurnCPU)
		go burn(bctx, stdout)
	}

	if len(cfg.Proxies) > 0 {
		pctx, stop := context.WithCancel(ctx)
		wait, err := startProxies(pctx, cfg.Proxies, stdout)
		if err != nil {
			stop()
			return err
		}
		defer wait()
		defer stop()
	}

	if cfg.DNS != nil {
		dctx, stop := context.WithCancel(ctx)
		wait, err := startDNS(dctx, *cfg.DNS, stdout)
		if err != nil {
			stop()
			return err
		}
		defer wait()
		defer stop()
	}

	var serveErr <-chan error
	if cfg.Listen != "" {
		srv, errc, err := serve(cfg, stdout, stderr)
		if err != nil {
			return err
		}
		defer srv.close(stdout)
		serveErr = errc
	}

	var exitTimer <-chan time.Time
	if cfg.ExitAfter != nil {
		t := time.NewTimer(*cfg.ExitAfter)
		defer t.Stop()
		exitTimer = t.C
	}
	for {
		select {
		case <-ctx.Done():
			logf(stdout, "context ended, exiting")
			return nil
		case <-exitTimer:
			logf(stdout, "exiting with code %d after %v", cfg.ExitCode, *cfg.ExitAfter)
			return exitCode(cfg.ExitCode)
		case err := <-serveErr:
			return fmt.Errorf("http server: %w", err)
		case sig := <-signals:
			name := signalName(sig)
			if sig == syscall.SIGTERM && cfg.IgnoreSIGTERM {
				logf(stdout, "received %s, ignoring", name)
				continue
			}
			logf(stdout, "received %s, exiting", name)
			return nil
		}
	}
}

// exitCode is nil for 0 and an *ExitError otherwise.
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &ExitError{Code: code}
}

// signalName is the conventional upper-case name (SIGTERM), which Go's String does not give.
func signalName(sig os.Signal) string {
	switch sig {
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGINT:
		return "SIGINT"
	}
	return sig.String()
}

// logf prints one lifecycle line with the greppable "workload: " prefix.
func logf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "workload: "+format+"\n", args...)
}
