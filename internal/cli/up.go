package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

type upOptions struct {
	listen          string
	region          string
	accountID       string
	stateDir        string
	runtime         string
	noTUI           bool
	output          outputFlag // "" or text: plain lines when not on a terminal; json: the event stream
	pauseImage      string
	secretsFile     string
	credentialsFile string
	stoppedTTL      time.Duration
	timeScale       float64
	lbPorts         []string
	drainDelay      time.Duration
	spotRate        time.Duration
	spotInstRate    time.Duration
	vcpuQuota       float64
	spotVCPUQuota   float64
	prices          pricesFlag
	eventWebhooks   []string
	compose         composeFlags // -f FILE: import a compose project once the API answers
	watch           bool         // keep the compose project in sync with its files
}

func newUpCmd() *cobra.Command {
	o := upOptions{}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Run the ECS emulator in the foreground",
		Long: `Run the ECS emulator in the foreground until interrupted (Ctrl-C or SIGTERM).

State is kept in --state-dir, so stopping and starting ecsmini loses nothing that was
acknowledged.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runUp(ctx, o, cmd.OutOrStdout(), cmd.ErrOrStderr(), nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", getenv("ECSMINI_LISTEN"), "address to serve the ECS API on (default "+DefaultListen+", env ECSMINI_LISTEN)")
	f.StringVar(&o.region, "region", "us-east-1", "default region for requests that carry none")
	f.StringVar(&o.accountID, "account-id", "000000000000", "the emulated AWS account ID")
	f.StringVar(&o.stateDir, "state-dir", "", "directory for persistent state (default a per-user state directory)")
	f.StringVar(&o.runtime, "runtime", "docker", "task runtime: docker (local Docker Engine) or sim (in-memory, no Docker)")
	f.BoolVar(&o.noTUI, "no-tui", false, "print plain log lines instead of the dashboard")
	f.VarP(&o.output, "output", "o", "without the dashboard: text (a line per task, service and instance change) or json (the event stream as JSON lines)")
	f.StringVar(&o.secretsFile, "secrets-file", getenv("ECSMINI_SECRETS_FILE"), "JSON file of secret values by Secrets Manager / SSM name or ARN, for task definitions' secrets (env ECSMINI_SECRETS_FILE)")
	f.StringVar(&o.credentialsFile, "credentials-file", getenv("ECSMINI_CREDENTIALS_FILE"), "JSON file of role ARN (or \"*\") → {AccessKeyId, SecretAccessKey, Token} that task roles hand to containers (default: static test keys; env ECSMINI_CREDENTIALS_FILE)")
	f.Float64Var(&o.timeScale, "time-scale", 1, "run the emulator's clock this many times as fast (move it with 'ecsmini clock')")
	f.DurationVar(&o.stoppedTTL, "stopped-task-ttl", emulator.StoppedTaskTTL, "how long STOPPED tasks stay visible (ECS keeps them at least an hour)")
	f.Float64Var(&o.vcpuQuota, "fargate-vcpu-quota", 0, "concurrent Fargate on-demand vCPUs per region, as the AWS quota (AWS's default is 6; 0: unlimited)")
	f.Float64Var(&o.spotVCPUQuota, "fargate-spot-vcpu-quota", 0, "concurrent Fargate Spot vCPUs per region (0: unlimited)")
	f.DurationVar(&o.spotInstRate, "spot-instance-interruption-rate", 0, "give each simulated EC2 Spot instance its two-minute notice after a random time with this mean, e.g. 1h (0: only 'ecsmini spot interrupt-instance')")
	f.DurationVar(&o.spotRate, "spot-interruption-rate", 0, "reclaim each running Fargate Spot task after a random time with this mean, e.g. 30m (0: only 'ecsmini spot interrupt')")
	f.Var(&o.prices, "prices-file", "JSON file of Fargate prices by region laid over the built-in ones, for 'ecsmini cost' (see 'ecsmini cost --builtin-prices')")
	f.StringArrayVar(&o.lbPorts, "lb-port", nil, "host port of a service target group's local load balancer, as NAME=PORT (target group name or ARN; repeatable; default a stable port from 30000-39999)")
	f.StringArrayVar(&o.eventWebhooks, "event-webhook", nil, "POST every event (as EventBridge sends it; see 'ecsmini events') to this http:// URL, to test a handler (repeatable)")
	f.DurationVar(&o.drainDelay, "deregistration-delay", 5*time.Second, "how long a load balancer target drains its connections before its task stops (ELB's default is 300s)")
	o.compose.add(f, true)
	f.BoolVar(&o.watch, "watch", false, "with -f: re-import the compose project when its files or build contexts change")
	f.StringVar(&o.pauseImage, "pause-image", "ecsmini-demo:latest", "image whose 'ecsmini workload' holds awsvpc tasks' network namespaces (build it with 'ecsmini image build')")
	return cmd
}

// runUp serves until ctx ends. ready, if non-nil, receives the bound address once the
// API answers (tests use it).
func runUp(ctx context.Context, o upOptions, stdout, stderr io.Writer, ready chan<- string) error {
	// `ecsmini down` asks a running ecsmini to stop through /_ecsmini/shutdown.
	ctx, stopUp := context.WithCancel(ctx)
	defer stopUp()
	if o.runtime != "docker" && o.runtime != "sim" {
		return fmt.Errorf("--runtime must be docker or sim, not %q", o.runtime)
	}
	if o.listen == "" {
		o.listen = DefaultListen
	}
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.accountID == "" {
		o.accountID = "000000000000"
	}
	if o.stateDir == "" {
		d, err := defaultStateDir()
		if err != nil {
			return err
		}
		o.stateDir = d
	}
	// Absolute, because the state directory labels every container and `ecsmini down`
	// may run from another working directory.
	abs, err := filepath.Abs(o.stateDir)
	if err != nil {
		return fmt.Errorf("--state-dir: %w", err)
	}
	o.stateDir = abs
	compose, err := prepareCompose(ctx, &o, stderr)
	if err != nil {
		return err
	}
	logOut := newHeldWriter(stderr) // held while the dashboard has the screen
	log := slog.New(slog.NewTextHandler(logOut, nil))
	if o.timeScale == 0 {
		o.timeScale = 1
	}
	clk, err := clock.NewVirtual(clock.Real{}, o.timeScale)
	if err != nil {
		return fmt.Errorf("--time-scale: %w", err)
	}
	ahead, err := loadClockAhead(o.stateDir)
	if err != nil {
		return err
	}
	if ahead > 0 {
		if err := clk.Advance(ahead); err != nil {
			return err
		}
	}
	rt, engine, closeRuntime, err := openRuntime(ctx, o.runtime, clk)
	if err != nil {
		return err
	}
	defer closeRuntime()
	loadStart := time.Now()
	emu, err := emulator.New(emulator.Config{Region: o.region, AccountID: o.accountID, StateDir: o.stateDir, StoppedTaskTTL: o.stoppedTTL, Clock: clk})
	if err != nil {
		return err
	}
	loaded := time.Since(loadStart)
	stopHooks, err := startEventWebhooks(emu.Events(), o.eventWebhooks, log) // before anything runs
	if err != nil {
		return err
	}
	defer stopHooks()
	ports, err := parseLBPorts(o.lbPorts)
	if err != nil {
		return err
	}
	emu.SetLoadBalancers(emulator.LoadBalancerConfig{Ports: ports, DeregistrationDelay: o.drainDelay,
		Simulated: o.runtime == "sim", Log: log})
	api := httpapi.New(emu, log)
	api.Handle(loadBalancersPath, loadBalancersHandler(emu))
	api.Handle(lbPortsPath, lbPortsHandler(emu)) // ecsmini import pins compose ports
	spotHandlers(emu, api.Handle)
	ec2Handlers(emu, api.Handle)
	api.Handle(retirePath, retireHandler(emu))
	api.Handle(costPath, costHandler(emu, o.prices))
	emu.SetSpotInterruptionRate(o.spotRate)
	emu.SetSpotInstanceInterruptionRate(o.spotInstRate)
	emu.SetFargateQuotas(emulator.FargateQuotas{OnDemandVCPU: o.vcpuQuota, SpotVCPU: o.spotVCPUQuota})
	api.Handle("/_ecsmini/shutdown", shutdownHandler(stopUp))
	saveClock := func() {
		if err := saveClockAhead(o.stateDir, clk); err != nil {
			log.Error("saving the emulator clock", "err", err)
		}
	}
	api.Handle(clockPath, clockHandler(clk, saveClock))
	defer saveClock()
	api.Handle(events.Path, events.Handler(ctx, emu.Events())) // followers end with ctx
	cwl, err := startCloudWatchLogs(ctx, o, clk, api, log)
	if err != nil {
		return fmt.Errorf("CloudWatch Logs: %w", err)
	}
	collector, err := startLogs(ctx, rt, o.stateDir, api, cwlogs.Sink{Service: cwl, Log: log})
	if err != nil {
		return fmt.Errorf("task logs: %w", err)
	}
	agentCtx, stopAgent := context.WithCancel(context.Background())
	defer stopAgent()
	tasks, meta, err := startAgent(agentCtx, emu, rt, clk, o, log, cwl)
	if err != nil {
		return err
	}
	defer meta.close()
	defer func() {
		if err := emu.Close(); err != nil {
			log.Error("saving state", "err", err)
		}
	}()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("cannot listen on %s (is another ecsmini running? use --listen): %w", o.listen, err)
	}
	endpoint := "http://" + ln.Addr().String()
	api.Handle("/_ecsmini/health", healthHandler(health{
		Status: "ok", Version: Version, Region: o.region, AccountID: o.accountID, StateDir: o.stateDir, PID: os.Getpid(),
		Runtime: o.runtime, DockerEngine: engine,
	}))
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	loopCtx, stopLoop := context.WithCancel(ctx)
	defer stopLoop()
	loopErr := make(chan error, 1)
	go func() { loopErr <- emu.Run(loopCtx) }()

	fmt.Fprintf(stdout, "ecsmini %s: ECS API at %s (region %s, account %s, runtime %s)\n", Version, endpoint, o.region, o.accountID, o.runtime)
	fmt.Fprintf(stdout, "state: %s (loaded in %d ms)\n", o.stateDir, loaded.Milliseconds())
	if engine != "" {
		fmt.Fprintf(stdout, "docker: engine %s\n", engine)
	}
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_ECS=%s\n", endpoint)
	fmt.Fprintf(stdout, "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=%s\n", endpoint)
	if ready != nil {
		ready <- ln.Addr().String()
	}
	waitOutput := startUpOutput(ctx, endpoint, o, stdout, stderr, logOut, stopUp)
	composeDone := compose.start(ctx, endpoint, logOut, stopUp) // held, like the log, while the dashboard has the screen
	// Loading a large state leaves its decoding garbage behind: hand it back to the OS
	// once the API answers, rather than idling on it or delaying start-up.
	go debug.FreeOSMemory()

	var runErr error
	loopDone := false
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		runErr = fmt.Errorf("serving the API: %w", err)
	case err := <-loopErr:
		runErr, loopDone = err, true
	}
	if err := composeDone(); err != nil && runErr == nil {
		runErr = err
	}
	// The service scheduler must be gone before tasks are stopped, or it would replace
	// them as they stop.
	stopLoop()
	if !loopDone {
		if err := <-loopErr; err != nil && runErr == nil {
			runErr = err
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Error("shutting down the API", "err", err)
	}
	// Stop every task with its containers' own stop timeouts (at most 120 s on Fargate),
	// so that nothing keeps running unattended.
	tasksCtx, cancelTasks := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancelTasks()
	if err := tasks.Shutdown(tasksCtx, "ecsmini was stopped; its tasks stop with it"); err != nil {
		log.Error("stopping tasks", "err", err)
	}
	stopAgent()
	tasks.Wait()
	stopHooks() // after the tasks' last events, which get 2 s to be delivered
	// The tasks' containers are gone, so their log copiers end: let them finish writing.
	select {
	case <-collector.Done():
	case <-time.After(10 * time.Second):
		log.Error("task logs still being written at exit")
	}
	waitOutput()
	fmt.Fprintln(stdout, "ecsmini stopped; state saved")
	return runErr
}

func healthHandler(h health) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(h) // a vanished client is not an error worth reporting
	})
}
