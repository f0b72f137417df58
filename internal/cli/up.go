package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/hooks"
	"github.com/ecsmini/ecsmini/tui"
)

type upOptions struct {
	listen          string
	region          string
	accountID       string
	stateDir        string
	recover         bool // load damaged state, keeping what is intact
	fsync           bool // sync the journal before acknowledging (the flag's default)
	runtime         string
	noTUI           bool
	output          outputFlag // "" or text: plain lines when not on a terminal; json: the event stream
	pauseImage      string
	metadataPort    int // preferred port of the task metadata and credentials endpoints; 0: 51680
	secretsFile     string
	credentialsFile string
	stoppedTTL      time.Duration
	timeScale       float64
	lbPorts         []string
	discoveryMaps   []string
	drainDelay      time.Duration
	spotRate        time.Duration
	spotInstRate    time.Duration
	vcpuQuota       float64
	spotVCPUQuota   float64
	prices          pricesFlag
	eventWebhooks   []string
	hooks           []string      // lifecycle hook mappings ARN=URL or ARN=cmd:COMMAND
	hookTimeout     time.Duration // bounds one lifecycle hook invocation
	allowHosts      []string      // further Host names the API answers to
	allowOrigins    []string      // browser origins allowed to call the API
	compose         composeFlags  // -f FILE: import a compose project once the API answers
	watch           bool          // keep the compose project in sync with its files
	agentTimeout    time.Duration // remote agents: silence before agentConnected false
	agentGrace      time.Duration // remote agents: disconnection before service tasks are replaced
	notes           chan tui.Note // the dashboard's notes (the compose watcher's); made when nil
	drive           *upDriver     // tests: run on a clock the test drives (nil: the wall clock)
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
	f.BoolVar(&o.recover, "recover", false, "start even if the state is damaged: keep what is intact, drop the rest and list what was dropped")
	f.BoolVar(&o.fsync, "fsync", true, "sync the journal to disk before acknowledging a change, so it survives a power loss (--fsync=false: faster, survives only a crash of ecsmini)")
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
	f.StringArrayVar(&o.discoveryMaps, "discovery-map", nil, "name the tasks of a service's Cloud Map registry, as REGISTRY_ARN=NAME.NAMESPACE (repeatable; kept in the state; see 'ecsmini discovery map')")
	f.StringArrayVar(&o.lbPorts, "lb-port", nil, "host port of a service target group's local load balancer, as NAME=PORT (target group name or ARN; repeatable; default a stable port from 30000-39999)")
	f.StringArrayVar(&o.hooks, "hook", nil, "answer a deployment lifecycle hook's Lambda ARN locally, as ARN=http://… (POST the payload, read hookStatus) or ARN=cmd:COMMAND (payload on stdin; hookStatus on stdout or the exit status) (repeatable; kept in the state; see 'ecsmini hook')")
	f.DurationVar(&o.hookTimeout, "hook-timeout", hooks.DefaultTimeout, "how long one lifecycle hook invocation may take before it counts as FAILED")
	f.StringArrayVar(&o.eventWebhooks, "event-webhook", nil, "POST every event (as EventBridge sends it; see 'ecsmini events') to this http:// URL, to test a handler (repeatable)")
	f.StringArrayVar(&o.allowHosts, "allow-host", nil, "also answer requests for this host name (e.g. host.docker.internal); only loopback names and addresses and the --listen address are answered otherwise, against DNS rebinding (repeatable)")
	f.StringArrayVar(&o.allowOrigins, "allow-origin", nil, "let web pages of this origin (scheme://host:port) call the API; requests from browsers are refused otherwise (repeatable)")
	f.DurationVar(&o.drainDelay, "deregistration-delay", 5*time.Second, "how long a load balancer target drains its connections before its task stops (ELB's default is 300s)")
	f.DurationVar(&o.agentTimeout, "agent-timeout", emulator.AgentHeartbeatTimeout, "ECS Anywhere: how long a remote agent ('ecsmini agent') may be silent before its instance shows agentConnected false")
	f.DurationVar(&o.agentGrace, "agent-task-grace", emulator.AgentTaskGrace, "ECS Anywhere: how long an instance may stay disconnected before its service tasks are replaced elsewhere")
	o.compose.add(f, true)
	f.BoolVar(&o.watch, "watch", false, "with -f: re-import the compose project when its files or build contexts change")
	f.IntVar(&o.metadataPort, "metadata-port", preferredMetadataPort, "preferred loopback port of the task metadata and credentials endpoints (any free port when taken; the port chosen is kept in the state directory and reused, as adopted containers need it)")
	f.StringVar(&o.pauseImage, "pause-image", "ecsmini-demo:latest", "image whose 'ecsmini workload' holds awsvpc tasks' network namespaces (built from this ecsmini on first need when absent)")
	return cmd
}

// runUp serves until ctx ends. ready, if non-nil, receives the bound address once the
// API answers (tests use it).
func runUp(ctx context.Context, o upOptions, stdout, stderr io.Writer, ready chan<- string) error {
	// `ecsmini down` asks a running ecsmini to stop through /_ecsmini/shutdown.
	ctx, stopUp := context.WithCancel(ctx)
	defer stopUp()
	o, err := o.resolve()
	if err != nil {
		return err
	}
	s, err := buildUp(ctx, o, stderr, stopUp)
	if err != nil {
		return err
	}
	defer s.release()
	r := s.serve(ctx, stdout, stderr, ready, stopUp)
	return s.shutdown(r, r.wait(ctx), stdout)
}

// resolve fills in the defaults of the options `up` may be given empty (tests and the
// demo build them by hand) and checks them. The state directory is made absolute,
// because it labels every container and `ecsmini down` may run from another working
// directory.
func (o upOptions) resolve() (upOptions, error) {
	if o.runtime != "docker" && o.runtime != "sim" {
		return o, fmt.Errorf("--runtime must be docker or sim, not %q", o.runtime)
	}
	if o.metadataPort < 0 || o.metadataPort > 65535 {
		return o, fmt.Errorf("--metadata-port must be a TCP port (1-65535), not %d", o.metadataPort)
	}
	o.listen = cmp.Or(o.listen, DefaultListen)
	o.region = cmp.Or(o.region, "us-east-1")
	o.accountID = cmp.Or(o.accountID, "000000000000")
	o.timeScale = cmp.Or(o.timeScale, 1)
	if o.stateDir == "" {
		d, err := defaultStateDir()
		if err != nil {
			return o, err
		}
		o.stateDir = d
	}
	abs, err := filepath.Abs(o.stateDir)
	if err != nil {
		return o, fmt.Errorf("--state-dir: %w", err)
	}
	o.stateDir = abs
	return o, nil
}
