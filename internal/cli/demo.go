package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecsmini/ecsmini/internal/composeapply"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/dockerrt"
	"github.com/ecsmini/ecsmini/tui"
)

// demoCompose is the demo's stack: a web front end on Fargate and Fargate Spot behind
// a local load balancer, and an api it reaches by name.
const demoCompose = `name: demo
services:
  web:
    image: ecsmini-demo:latest
    command: ["workload", "--listen", ":8080", "--log", "demo web v1"]
    ports: ["${DEMO_PORT}:8080"]
    environment:
      API_URL: http://api:9000
    deploy:
      replicas: 3
    stop_grace_period: 3s
    healthcheck:
      test: ["CMD", "/ecsmini", "workload", "probe", "http://127.0.0.1:8080/health"]
      interval: 5s
      timeout: 2s
      retries: 2
    depends_on:
      api: {condition: service_healthy}
    x-ecs:
      capacityProviderStrategy:
        - {capacityProvider: FARGATE, base: 1, weight: 1}
        - {capacityProvider: FARGATE_SPOT, weight: 2}
  api:
    image: ecsmini-demo:latest
    command: ["workload", "--listen", ":9000"]
    deploy:
      replicas: 2
    stop_grace_period: 3s
    healthcheck:
      test: ["CMD", "/ecsmini", "workload", "probe", "http://127.0.0.1:9000/health"]
      interval: 5s
      timeout: 2s
      retries: 2
`

type demoOptions struct {
	drive   *upDriver // tests: the emulator runs on the test's clock
	runtime string
	noTUI   bool
	keep    bool
	pace    time.Duration
	port    int
}

func newDemoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run an offline, self-contained ECS demo: a stack, a rolling deployment, a Spot interruption, a retirement",
		Long: `Run a narrated, self-contained scenario for a meetup or a sales call, with no network and no
AWS account: ecsmini builds its demo image from itself (on Docker), starts an emulator on a
temporary state directory, brings up a small compose stack (web ×3 on FARGATE and
FARGATE_SPOT behind localhost, api ×2 found by name), then shows a rolling deployment, a
Spot interruption and a task retirement with the clock fast-forwarded seven days. Each
step prints what ECS does, from the services' own events.

On a terminal it all plays in the dashboard, narrated on its notes line (m shows all of
it; it is printed again when you quit with q); with --no-tui, or off a terminal, as narrated lines. Without Docker (or with --runtime
sim) the tasks are simulated. With --keep the stack stays up at the end until Ctrl-C, for the
AWS CLI or 'ecsmini dash'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runDemo(ctx, o, cmd.OutOrStdout(), cmd.Flags().Changed("runtime"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.runtime, "runtime", "docker", "docker, or sim (simulated tasks; used anyway when Docker is not reachable)")
	f.BoolVar(&o.noTUI, "no-tui", false, "narrate in plain lines even on a terminal, without the dashboard")
	f.BoolVar(&o.keep, "keep", false, "leave the stack running at the end until Ctrl-C")
	f.DurationVar(&o.pace, "pace", 2*time.Second, "pause between the steps, for the audience")
	f.IntVar(&o.port, "port", 8080, "host port of the web service's load balancer (0: any free port)")
	return cmd
}

// runDemo runs the whole scenario and stops the emulator it started.
func runDemo(ctx context.Context, o demoOptions, out io.Writer, runtimeChosen bool) error {
	d := &demo{out: out, pace: o.pace, wait: o.drive.wait()}
	if o.runtime == "docker" {
		if err := d.buildImage(ctx); err != nil {
			if runtimeChosen || !errors.Is(err, errNoDocker) {
				return err
			}
			d.say("%v: the tasks will be simulated", err)
			o.runtime = "sim"
		}
	}
	dir, err := os.MkdirTemp("", "ecsmini-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	port := o.port
	if port == 0 {
		if port, err = freeLoopbackPort(); err != nil {
			return err
		}
	}
	file := filepath.Join(dir, "compose.yaml")
	if err := os.WriteFile(file, []byte(demoCompose), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte("DEMO_PORT="+strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return err
	}
	upCtx, stopUp := context.WithCancel(context.WithoutCancel(ctx))
	defer stopUp()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	src := composeapply.Source{Files: []string{file}, Region: "us-east-1", AccountID: "000000000000"}
	plan, err := composeapply.LoadPlan(ctx, src, io.Discard)
	if err != nil {
		return err
	}
	var pins []string
	for tg, p := range plan.LBPorts() {
		pins = append(pins, tg+"="+strconv.Itoa(p))
	}
	uo := upOptions{runtime: o.runtime, stateDir: filepath.Join(dir, "state"), listen: "127.0.0.1:0", noTUI: true, pauseImage: DefaultImageTag,
		lbPorts: pins, region: "us-east-1", accountID: "000000000000", drive: o.drive}
	log, err := os.Create(filepath.Join(dir, "up.log"))
	if err != nil {
		return err
	}
	defer log.Close()
	go func() { done <- runUp(upCtx, uo, log, log, ready) }()
	select {
	case addr := <-ready:
		d.endpoint = "http://" + addr
	case err := <-done:
		return fmt.Errorf("starting the emulator: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
	d.c = newClient(d.endpoint)
	d.webURL = fmt.Sprintf("http://127.0.0.1:%d/", port)
	d.sim = o.runtime == "sim"
	var runErr error
	if !o.noTUI && isTerminal(out) && isTerminal(stdinFile()) {
		runErr = d.inDashboard(ctx, plan) // the dashboard stays until quit: --keep is moot
	} else if runErr = d.run(ctx, plan, d.syncer(out)); runErr == nil && o.keep {
		d.say("The stack stays up: %s (the web service), ECS API at %s. Ctrl-C to stop.", d.webURL, d.endpoint)
		d.say("Try: aws ecs describe-services --cluster demo --services web api --endpoint-url %s", d.endpoint)
		<-ctx.Done()
	}
	d.say("Stopping the emulator and its tasks")
	stopUp()
	if err := <-done; err != nil && runErr == nil {
		runErr = err
	}
	return runErr
}

// inDashboard plays the scenario while the dashboard has the screen: the narration
// shows on it (its notes line, and m for all of it), and is printed again when the user
// quits the dashboard (which also ends a scenario still playing).
func (d *demo) inDashboard(ctx context.Context, plan *composeimport.Plan) error {
	held := newHeldWriter(d.out)
	held.hold()
	defer held.release()
	notes := make(chan tui.Note, notesBuffer)
	d.out = io.MultiWriter(held, newNoteFeed(notes, "demo"))
	sync := d.syncer(d.out)
	scenario, stopScenario := context.WithCancel(ctx)
	defer stopScenario()
	done := make(chan error, 1)
	go func() { done <- d.run(scenario, plan, sync) }()
	_, err := runDashboardOrLines(ctx, d.endpoint, held.w, held.w, dashOptions{Cluster: demoCluster, Notes: notes, StopsEcsmini: true})
	stopScenario()
	runErr := <-done
	if errors.Is(runErr, context.Canceled) {
		runErr = nil // quitting before the end is fine
	}
	if err != nil {
		return err
	}
	return runErr
}

// buildImage builds ecsmini-demo:latest from the running ecsmini, as 'ecsmini image
// build' does, unless the engine has it from this very binary (its build label): an
// image an older ecsmini left is built again, and the old one removed. Only an engine
// that cannot be reached is errNoDocker (the demo then simulates its tasks); any other
// failure is the demo's.
func (d *demo) buildImage(ctx context.Context) error {
	path, _, err := imageBinary("")
	if err != nil {
		return err
	}
	bctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	engine, err := dockerrt.Connect(bctx)
	if err != nil {
		return fmt.Errorf("%w: %w", errNoDocker, err)
	}
	defer engine.Close()
	build, err := binaryBuild(path)
	if err != nil {
		return err
	}
	engine.MakeLocallyFrom(func(ctx context.Context, e *dockerrt.Engine, ref string) error {
		d.say("Building the demo image %s from this ecsmini (FROM scratch, no registry)", ref)
		return buildWorkloadImageFrom(ctx, e, ref, path)
	}, build, DefaultImageTag)
	_, err = engine.EnsureImage(bctx, DefaultImageTag)
	return err
}

// errNoDocker marks a Docker Engine that cannot be reached.
var errNoDocker = errors.New("the Docker Engine is not reachable")

func freeLoopbackPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// syncer imports the demo's compose project, saying what it does on out. The demo's
// images are never built: ecsmini's own image serves every role.
func (d *demo) syncer(out io.Writer) *composeapply.Syncer {
	return composeapply.NewSyncer(d.c, out, composeapply.SyncOptions{SkipBuild: true, NoReport: true, Wait: d.wait})
}
