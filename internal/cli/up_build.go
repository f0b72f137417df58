package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/alarms/cwapi"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/appscaling/appscalingapi"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/hooks"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
	"github.com/ecsmini/ecsmini/emulator/logs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// upStack is everything `ecsmini up` runs, built by buildUp and not yet serving: the
// emulator with its clock, runtime, task agent, log collector and event webhooks, the
// API handler with ecsmini's own endpoints, and the bound listener.
type upStack struct {
	o         upOptions
	logOut    *heldWriter // held while the dashboard has the screen
	log       *slog.Logger
	clk       *clock.Virtual
	engine    string // the Docker Engine's "VERSION at HOST", or ""
	emu       *emulator.Emulator
	loaded    time.Duration // how long loading the state took
	api       *httpapi.Handler
	collector *logs.Collector
	cwl       *cwlogs.Service     // CloudWatch Logs: awslogs output and the Logs API
	asc       *appscaling.Service // Application Auto Scaling, run by the control loop
	alarms    *alarms.Service     // CloudWatch alarms, run by the control loop
	hooks     *hooks.Runner       // lifecycle hooks answered by the user's mappings
	// lateAlarms hands alarms to the emulator, which exists before them
	lateAlarms *lateAlarms
	tasks      *agent.Agent
	stopAgent  context.CancelFunc
	stopHooks  func()
	compose    *composeUp
	ln         net.Listener
	// agentToken is the join token remote agents present (anywhere.go).
	agentToken string
	// sources give tasks, local and remote, their secrets and role credentials.
	sources taskSources
	// undo releases what was acquired, in reverse order (release runs it).
	undo []func()
}

// buildUp builds what `up` runs from resolved options, in dependency order; on an
// error it releases what it had acquired. stopUp is what /_ecsmini/shutdown and a
// failed compose import call to stop up.
func buildUp(ctx context.Context, o upOptions, stderr io.Writer, stopUp func()) (_ *upStack, err error) {
	s := &upStack{o: o, logOut: newHeldWriter(stderr)}
	s.log = slog.New(slog.NewTextHandler(s.logOut, nil))
	defer func() {
		if err != nil {
			s.release()
		}
	}()
	if s.compose, err = prepareCompose(ctx, &s.o, stderr); err != nil {
		return nil, err
	}
	if s.clk, err = openClock(s.o); err != nil {
		return nil, err
	}
	rt, err := s.openRuntime(ctx)
	if err != nil {
		return nil, err
	}
	// Hooks and alarms answer the deployment strategies (emulator.Config.HookRunner,
	// AlarmStates): hooks are needed by the emulator, alarms need it, so they come late.
	if s.hooks, err = openHooks(s.o, s.log); err != nil {
		return nil, err
	}
	s.lateAlarms = &lateAlarms{}
	if err := s.openEmulator(); err != nil {
		return nil, err
	}
	if s.cwl, err = openCloudWatchLogs(s.o, s.clk); err != nil {
		return nil, fmt.Errorf("CloudWatch Logs: %w", err)
	}
	if s.collector, err = startLogs(ctx, rt, s.o.stateDir, cwlogs.Sink{Service: s.cwl, Log: s.log}); err != nil {
		return nil, fmt.Errorf("task logs: %w", err)
	}
	s.o.drive.collected(s.collector)
	if err := s.startAgent(rt); err != nil {
		return nil, err
	}
	if s.asc, err = openAppScaling(s.o, s.emu, s.clk, s.tasks, s.log); err != nil {
		return nil, fmt.Errorf("application auto scaling: %w", err)
	}
	if s.alarms, err = openAlarms(s.o, s.emu, s.clk, s.tasks, s.asc, s.log); err != nil {
		return nil, fmt.Errorf("CloudWatch alarms: %w", err)
	}
	s.lateAlarms.svc.Store(s.alarms)
	if s.ln, err = net.Listen("tcp", s.o.listen); err != nil {
		return nil, fmt.Errorf("cannot listen on %s (is another ecsmini running? use --listen): %w", s.o.listen, err)
	}
	s.mountAPI(ctx, stopUp)
	s.api.Handle(ecs.ExecDataChannelPath, execChannelHandler(s.emu, rt, s.o.stateDir, s.log))
	s.api.Handle(pprofPath, pprofHandler())
	return s, nil
}

// release undoes what buildUp acquired, last first: the emulator saves its state, the
// agent's endpoints close, the clock is saved, the webhooks end, the runtime closes.
func (s *upStack) release() {
	for i := len(s.undo) - 1; i >= 0; i-- {
		s.undo[i]()
	}
	s.undo = nil
}

// openClock is the emulator's clock: real time scaled by --time-scale, as far ahead as
// it was moved before the last stop.
func openClock(o upOptions) (*clock.Virtual, error) {
	clk, err := clock.NewVirtual(o.drive.base(), o.timeScale)
	if err != nil {
		return nil, fmt.Errorf("--time-scale: %w", err)
	}
	ahead, err := loadClockAhead(o.stateDir)
	if err != nil {
		return nil, err
	}
	if ahead > 0 {
		if err := clk.Advance(ahead); err != nil {
			return nil, err
		}
	}
	return clk, nil
}

// openRuntime connects the task runtime.
func (s *upStack) openRuntime(ctx context.Context) (containers.Runtime, error) {
	say := func(format string, args ...any) { s.log.Info(fmt.Sprintf(format, args...)) }
	rt, engine, closeRuntime, err := openRuntime(ctx, s.o.runtime, s.clk, s.o.drive.activity(), selfImageMaker(say), s.o.pauseImage, DefaultImageTag)
	if err != nil {
		return nil, err
	}
	s.engine = engine
	s.undo = append(s.undo, closeRuntime)
	return rt, nil
}

// openEmulator loads the emulator's state and configures it from the options; the
// event webhooks start before anything runs, so they see every event.
func (s *upStack) openEmulator() error {
	o := s.o
	ports, err := parseLBPorts(o.lbPorts)
	if err != nil {
		return err
	}
	start := time.Now()
	emu, err := emulator.New(emulator.Config{Region: o.region, AccountID: o.accountID, StateDir: o.stateDir,
		StoppedTaskTTL: o.stoppedTTL, Clock: s.clk, Recover: o.recover, NoSync: !o.fsync, Activity: o.drive.activity(),
		LoadBalancers: emulator.LoadBalancerConfig{Ports: ports, DeregistrationDelay: o.drainDelay,
			Simulated: o.runtime == "sim", Log: s.log},
		SpotInterruptionRate:         o.spotRate,
		SpotInstanceInterruptionRate: o.spotInstRate,
		FargateQuotas:                emulator.FargateQuotas{OnDemandVCPU: o.vcpuQuota, SpotVCPU: o.spotVCPUQuota},
		HookRunner:                   s.hooks,
		AlarmStates:                  s.lateAlarms,
		AgentHeartbeatTimeout:        o.agentTimeout,
		AgentTaskGrace:               o.agentGrace})
	if err != nil {
		return err
	}
	o.drive.built(emu)
	reportRecovered(s.logOut, o.stateDir, emu.Recovered())
	s.emu, s.loaded = emu, time.Since(start)
	stopHooks, err := startEventWebhooks(emu.Events(), o.eventWebhooks, s.log)
	if err != nil {
		return err
	}
	s.stopHooks = stopHooks
	s.undo = append(s.undo, stopHooks, s.saveClock)
	if err := applyDiscoveryMaps(emu, o.discoveryMaps); err != nil {
		return err
	}
	return nil
}

// saveClock keeps how far the clock was moved ahead, for the next start.
func (s *upStack) saveClock() {
	if err := saveClockAhead(s.o.stateDir, s.clk); err != nil {
		s.log.Error("saving the emulator clock", "err", err)
	}
}

// startAgent starts the task agent on its own context, which outlives up's: the agent
// must stop the tasks after up was asked to stop.
func (s *upStack) startAgent(rt containers.Runtime) error {
	agentCtx, stopAgent := context.WithCancel(context.Background())
	s.stopAgent = stopAgent
	s.undo = append(s.undo, stopAgent)
	src, err := loadTaskSources(s.o)
	if err != nil {
		return err
	}
	s.sources = src
	tasks, meta, err := startAgent(agentCtx, s.emu, rt, s.clk, s.o, s.log, s.cwl, src)
	if err != nil {
		return err
	}
	s.tasks = tasks
	s.undo = append(s.undo, func() {
		if err := meta.close(); err != nil {
			s.log.Error("closing the task metadata endpoints", "err", err)
		}
	}, func() {
		if err := s.emu.Close(); err != nil {
			s.log.Error("saving state", "err", err)
		}
	})
	return nil
}

// mountAPI builds the handler: the ECS API, CloudWatch Logs and ecsmini's own
// endpoints. The event stream's followers and live tail sessions end with ctx.
func (s *upStack) mountAPI(ctx context.Context, stopUp func()) {
	o := s.o
	s.api = httpapi.New(s.emu, s.log)
	mountCloudWatchLogs(ctx, s.cwl, s.api, s.log)
	s.api.HandleTarget(appscalingapi.TargetPrefix, appscalingapi.New(s.asc, s.log))
	cw := cwapi.New(s.alarms, s.log)
	s.api.HandlePath(cwapi.PathPrefix, cw)
	s.api.HandleTarget(cwapi.TargetPrefix, cw.JSON())
	ecsminiapi.Mount(ctx, s.api, ecsminiapi.Config{
		Emulator: s.emu, Clock: s.clk, ClockMoved: s.saveClock, Prices: o.prices.table(), PriceSource: o.prices.source(),
		Shutdown: stopUp, Logs: s.collector, Hooks: s.hooks, Alarms: s.alarms,
		Health: ecsminiapi.Health{Status: "ok", Version: Version, Region: o.region, AccountID: o.accountID,
			StateDir: o.stateDir, PID: os.Getpid(), Runtime: o.runtime, DockerEngine: s.engine},
	})
	s.mountAgents()
}
