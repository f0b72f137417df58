package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/anywhere"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
)

// mountAgents serves the remote agents' endpoints (their poll, and their tasks'
// secrets, role credentials and awslogs lines, from the same sources as local tasks'),
// guarded by the state directory's join token (made on first use). Without a token file (an unwritable
// state directory) a token lives for this run only.
func (s *upStack) mountAgents() {
	tok, err := anywhere.LoadOrCreateToken(s.o.stateDir)
	if err != nil {
		s.log.Error("agent join token not saved; it lasts for this run only", "err", err)
		tok = anywhere.NewToken()
	}
	s.agentToken = tok
	anywhere.Mount(s.api, s.emu, tok, anywhere.Sources{Secrets: s.sources.secrets, Credentials: s.sources.creds,
		AWSLogs: s.cwl, Lines: cwlogs.Sink{Service: s.cwl, Log: s.log}})
}

// joinHint is what up prints, beside its exposure warning, for machines to join.
func joinHint(addr, token string) string {
	if token == "" {
		return ""
	}
	return fmt.Sprintf("Other machines join a cluster as ECS Anywhere instances with:\n  ecsmini agent --endpoint http://%s --cluster default --token %s\n", addr, token)
}

// agentOptions are the flags of `ecsmini agent`.
type agentOptions struct {
	endpoint string
	cluster  string
	name     string
	token    string
	stateDir string
	hostIP   string
	// metadataAddress is where task containers reach the metadata endpoints ("": as
	// ecsmini's own, loopback and each network's gateway).
	metadataAddress string
}

func newAgentCmd() *cobra.Command {
	var o agentOptions
	cmd := &cobra.Command{
		Use:   "agent",
		Short: "Join this machine to a running ecsmini as an ECS Anywhere (EXTERNAL) instance",
		Long: `Register this machine with a cluster of the ecsmini at --endpoint as an external
container instance (ecs.capability.external, an mi-… ID) and run the tasks ecsmini
places on it (launch type EXTERNAL) on this machine's Docker Engine, reporting their
state back, until interrupted. ecsmini shows the instance agentConnected=false when the
agent has been silent for its --agent-timeout, and replaces its service tasks elsewhere
after --agent-task-grace; when the agent gets through again it reports what it still
runs and stops what was replaced meanwhile.

The tasks get what ecsmini's own tasks get: a task metadata server on this machine
(loopback for host-network tasks, each Docker network's gateway for the others, or
--metadata-address), their task role's credentials as ecsmini issues them, their
secrets from ecsmini's --secrets-file, and awslogs lines sent to ecsmini's CloudWatch
Logs. All of it travels with the join token.

The join token is printed by 'ecsmini up' when it listens beyond loopback, and by
'ecsmini instance join-token' on the ecsmini machine.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runAgent(ctx, o, cmd)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.endpoint, "endpoint", "", "URL of the running ecsmini, e.g. http://10.0.0.5:4599 (required)")
	f.StringVar(&o.cluster, "cluster", "default", "cluster to join")
	f.StringVar(&o.name, "name", "", "a name for this machine, shown as the instance's ecsmini.agent-name attribute")
	f.StringVar(&o.token, "token", getenv("ECSMINI_AGENT_TOKEN"), "the ecsmini's join token (env ECSMINI_AGENT_TOKEN)")
	f.StringVar(&o.stateDir, "state-dir", "", "where the agent keeps its instance ARN (default a per-user directory)")
	f.StringVar(&o.hostIP, "host-ip", "127.0.0.1", "address tasks' host ports are published on (0.0.0.0: every address of this machine)")
	f.StringVar(&o.metadataAddress, "metadata-address", "", "the one address the task metadata and credentials endpoints listen on, for every task (default: loopback for host-network tasks, each Docker network's gateway for the others); for an agent outside the Docker Engine's network namespace")
	return cmd
}

func runAgent(ctx context.Context, o agentOptions, cmd *cobra.Command) error {
	if o.endpoint == "" {
		return fmt.Errorf("--endpoint is required: the URL of the ecsmini to join")
	}
	if !strings.HasPrefix(o.endpoint, "http://") && !strings.HasPrefix(o.endpoint, "https://") {
		o.endpoint = "http://" + o.endpoint
	}
	if o.token == "" {
		return fmt.Errorf("--token is required: run 'ecsmini instance join-token' on the ecsmini machine")
	}
	if o.stateDir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return fmt.Errorf("--state-dir: %w", err)
		}
		o.stateDir = filepath.Join(d, "ecsmini-agent")
	}
	engine, err := dockerrt.Connect(ctx)
	if err != nil {
		return fmt.Errorf("%w (the agent runs tasks on this machine's Docker Engine)", err)
	}
	defer func() { _ = engine.Close() }()
	ep := newEndpoints(endpointsConfig{Runtime: engine.Runtime(), Address: o.metadataAddress})
	defer func() { _ = ep.close() }() // the tasks are stopped by then
	a := anywhere.New(anywhere.Config{Endpoint: o.endpoint, Cluster: o.cluster, Name: o.name, Token: o.token,
		Runtime: engine.Runtime(), StateDir: o.stateDir, HostIP: o.hostIP, Log: slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil)),
		Endpoints: agentEndpoints{ep, o.stateDir},
		Registered: func(ci *ecs.ContainerInstance) {
			fmt.Fprintf(cmd.OutOrStdout(), "joined cluster %s as %s (container instance %s)\n", o.cluster, ci.Ec2InstanceId, instanceID(ci.ContainerInstanceArn))
		}})
	return a.Run(ctx)
}

// agentEndpoints serve a remote agent's metadata endpoints on the port saved in its
// state directory, when free, so the containers it adopts after a restart reach them.
type agentEndpoints struct {
	*endpoints
	stateDir string
}

func (e agentEndpoints) Serve(h http.Handler) error {
	saved, err := loadMetadataPort(e.stateDir)
	if err != nil {
		return err
	}
	return e.serveOn(h, portPlan{stateDir: e.stateDir, preferred: saved})
}

// newJoinTokenCmd is `ecsmini instance join-token`.
func newJoinTokenCmd(endpoint *string) *cobra.Command {
	return &cobra.Command{
		Use:   "join-token",
		Short: "Print the token remote machines need for 'ecsmini agent' (on the ecsmini machine only)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok, err := newClient(endpointURL(*endpoint)).JoinToken(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
}
