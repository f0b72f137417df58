package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ecsmini/ecsmini/internal/workload"
)

// workloadOptions are the flags of `ecsmini workload`. Test harnesses, demos and the
// container runtimes build these arguments, so the flag names are a contract.
type workloadOptions struct {
	exitCode      int
	exitAfter     time.Duration
	ignoreSIGTERM bool
	allocateMiB   int
	burnCPU       time.Duration
	logs          []string
	listen        string
	unhealthy     bool
	proxies       []string
	dns           string
	dnsUpstreams  []string
	dnsResolvConf string
}

func newWorkloadCmd() *cobra.Command {
	var o workloadOptions
	cmd := &cobra.Command{
		Use:   "workload",
		Short: "Run the built-in test and demo workload (what the ecsmini image runs)",
		Long: `Run a small, deterministic program meant to be a task container: it is what the image
from 'ecsmini image build' runs, so tests and demos need no registry.

It prints its lifecycle on stdout as "workload: ..." lines, exits with --exit-code after
--exit-after (without --exit-after it runs until signalled), exits 0 on SIGTERM or SIGINT
unless --ignore-sigterm, and with --listen serves GET /health and a page (GET /) showing
the task metadata from $ECS_CONTAINER_METADATA_URI_V4/task.`,
		Example: `  ecsmini workload --listen :8080
  ecsmini workload --exit-code 3 --exit-after 5s
  ecsmini workload --ignore-sigterm --log "starting up"
  ecsmini workload --allocate-mb 512      # with a 256 MiB limit: OOM-killed, exit 137
  ecsmini workload --burn-cpu 5m          # one CPU busy for five minutes, then idle
  ecsmini workload probe http://127.0.0.1:8080/health`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := o.config(cmd.Flags())
			if err != nil {
				return err
			}
			err = workload.Run(cmd.Context(), cfg, cmd.OutOrStdout(), cmd.ErrOrStderr())
			var ee *workload.ExitError
			if errors.As(err, &ee) {
				return &exitError{code: ee.Code, err: err}
			}
			return err
		},
	}
	o.bind(cmd.Flags())
	cmd.AddCommand(newWorkloadProbeCmd(), newWorkloadLookupCmd(), newWorkloadShCmd())
	return cmd
}

// bind defines the flags on f.
func (o *workloadOptions) bind(f *pflag.FlagSet) {
	f.IntVar(&o.exitCode, "exit-code", 0, "exit code to exit with after --exit-after")
	f.DurationVar(&o.exitAfter, "exit-after", 0, "exit with --exit-code after this long (default: run until signalled)")
	f.BoolVar(&o.ignoreSIGTERM, "ignore-sigterm", false, "log SIGTERM and keep running (a stop must kill it)")
	f.DurationVar(&o.burnCPU, "burn-cpu", 0, "keep one CPU busy for this long after start, then idle (a load for Application Auto Scaling)")
	f.IntVar(&o.allocateMiB, "allocate-mb", 0, "allocate and touch this many MiB at start and hold them (meets the OOM killer under a memory limit)")
	f.StringArrayVar(&o.logs, "log", nil, "print this line on stdout at start (repeatable)")
	f.StringVar(&o.listen, "listen", "", "serve HTTP on this address, e.g. :8080 (GET /health, GET /)")
	f.BoolVar(&o.unhealthy, "unhealthy", false, "answer GET /health with 500")
	f.StringArrayVar(&o.proxies, "proxy", nil, "forward TCP from LISTEN to TARGET, as LISTEN=TARGET (repeatable)")
	f.StringVar(&o.dns, "dns", "", "serve DNS on LISTEN (UDP and TCP), answering the names of the table at URL, as LISTEN=URL")
	f.StringArrayVar(&o.dnsUpstreams, "dns-upstream", nil, "with --dns, forward the names not in the table to this server, as HOST:PORT (repeatable; default: those --dns-resolv-conf replaced, else none: NXDOMAIN)")
	f.StringVar(&o.dnsResolvConf, "dns-resolv-conf", "", "with --dns, make its server the nameserver of this resolv.conf (e.g. /etc/resolv.conf)")
}

// config turns the parsed flags into a workload.Config; whether --exit-after was given
// at all is what separates "exit at once" (--exit-after 0s) from "run until signalled".
func (o *workloadOptions) config(flags *pflag.FlagSet) (workload.Config, error) {
	cfg := workload.Config{
		ExitCode:      o.exitCode,
		IgnoreSIGTERM: o.ignoreSIGTERM,
		AllocateMiB:   o.allocateMiB,
		BurnCPU:       o.burnCPU,
		Logs:          o.logs,
		Listen:        o.listen,
		Unhealthy:     o.unhealthy,
	}
	for _, p := range o.proxies {
		px, err := workload.ParseProxy(p)
		if err != nil {
			return cfg, err
		}
		cfg.Proxies = append(cfg.Proxies, px)
	}
	if o.dns != "" {
		d, err := workload.ParseDNS(o.dns)
		if err != nil {
			return cfg, err
		}
		d.Upstreams, d.ResolvConf = o.dnsUpstreams, o.dnsResolvConf
		cfg.DNS = &d
	} else if len(o.dnsUpstreams) > 0 || o.dnsResolvConf != "" {
		return cfg, errors.New("--dns-upstream and --dns-resolv-conf need --dns")
	}
	if flags.Changed("exit-after") {
		cfg.ExitAfter = new(o.exitAfter)
	}
	return cfg, nil
}

func newWorkloadProbeCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "probe URL",
		Short: "Exit 0 iff GET URL answers 2xx (the health-check command of the scratch image)",
		Long: `Exit 0 iff GET URL answers 2xx within --timeout, non-zero otherwise. The ecsmini image is
FROM scratch, with no shell or curl, so a container health check runs this instead:

  "healthCheck": {"command": ["CMD", "/ecsmini", "workload", "probe", "http://127.0.0.1:8080/health"]}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := workload.Probe(cmd.Context(), args[0], timeout); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "workload: probe %s: ok\n", args[0])
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 2*time.Second, "how long to wait for the answer")
	return cmd
}

func newWorkloadLookupCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "lookup NAME",
		Short: "Resolve NAME to IPv4 addresses with the container's resolver and print them",
		Long: `Resolve NAME to IPv4 addresses with the resolver /etc/resolv.conf configures, print one
per line, and exit non-zero when it does not resolve within --timeout. The ecsmini image is
FROM scratch, with no nslookup, so this is how to see what a task's DNS answers:

  docker exec <container> /ecsmini workload lookup api`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ips, err := workload.Lookup(cmd.Context(), args[0], timeout)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				fmt.Fprintln(cmd.OutOrStdout(), ip)
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}
