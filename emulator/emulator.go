package emulator

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/anywhere"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/daemons"
	"github.com/ecsmini/ecsmini/emulator/deployments"
	"github.com/ecsmini/ecsmini/emulator/ec2ctl"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/eventemit"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/execsession"
	"github.com/ecsmini/ecsmini/emulator/express"
	"github.com/ecsmini/ecsmini/emulator/fargatectl"
	"github.com/ecsmini/ecsmini/emulator/gateways"
	"github.com/ecsmini/ecsmini/emulator/instances"
	"github.com/ecsmini/ecsmini/emulator/servicectl"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/strategy"
	"github.com/ecsmini/ecsmini/emulator/svcdeploy"
	"github.com/ecsmini/ecsmini/emulator/svcdns"
	"github.com/ecsmini/ecsmini/emulator/tasksetctl"
)

// Config configures an Emulator.
type Config struct {
	Region    string // default region when a request carries none
	AccountID string
	Clock     clock.Clock
	StateDir  string // "" keeps state in memory only
	// Recover loads damaged state instead of refusing it, keeping what is intact (see
	// Emulator.Recovered for what was dropped).
	Recover bool
	// NoSync acknowledges a change once the journal write reaches the operating system,
	// without waiting for the disk (fsync): faster, but a power loss can lose it.
	NoSync bool
	// StoppedTaskTTL is how long STOPPED tasks stay visible (default StoppedTaskTTL).
	StoppedTaskTTL time.Duration
	// Log receives what the control loop cannot report to a caller (default: discard).
	Log *slog.Logger
	// Events is the bus the emulator publishes its events on (default: a new one; see
	// Emulator.Events and events_emit.go).
	Events *events.Bus
	// Activity, when set, is shared with the agent and the simulated runtime so that
	// Settle can wait for them (tests; see clock.Activity).
	Activity *clock.Activity
	// LoadBalancers configures the local load balancers (ports, deregistration delay,
	// simulated targets).
	LoadBalancers LoadBalancerConfig
	// SpotInterruptionRate is the mean time after which each running Fargate Spot task
	// is reclaimed at random (0: never); SpotInstanceInterruptionRate the same for EC2
	// Spot instances.
	SpotInterruptionRate         time.Duration
	SpotInstanceInterruptionRate time.Duration
	// FargateQuotas are the account's Fargate vCPU quotas (zero: unlimited).
	FargateQuotas FargateQuotas
	// PlacementSeed, when not 0, makes random EC2 placement repeatable.
	PlacementSeed int64
	// HookRunner answers the lifecycle hooks of BLUE_GREEN, LINEAR and CANARY
	// deployments (nil: every hook succeeds); AlarmStates tells the state of the
	// CloudWatch alarms deploymentConfiguration.alarms names (nil: none is in ALARM).
	HookRunner  strategy.HookRunner
	AlarmStates strategy.AlarmStates
	// AgentHeartbeatTimeout is how long a remote agent may be silent before its
	// instance shows disconnected, AgentTaskGrace how long its service tasks are then
	// kept before they are replaced elsewhere (0: AgentHeartbeatTimeout and
	// AgentTaskGrace, the package's defaults).
	AgentHeartbeatTimeout time.Duration
	AgentTaskGrace        time.Duration
}

// Emulator is the ECS control plane.
type Emulator struct {
	cfg   Config
	st    *state.State
	store *store.Store

	clusters  *store.Table[ecs.Cluster]
	taskDefs  *store.Table[taskDefRecord]
	families  *store.Table[familyRecord]
	providers *store.Table[ecs.CapacityProvider]
	settings  *store.Table[ecs.Setting]
	tasks     *store.Table[taskRecord]
	services  *store.Table[serviceRecord]
	spot      *store.Table[spotRecord]
	instances *store.Table[instanceRecord]
	asgs      *store.Table[asgRecord]

	deploys *deployments.Records // service deployment records and operations
	gw      *gateways.Gateways
	dm      *daemons.Daemons

	runner TaskRunner // nil until SetRunner: tasks are recorded but not run
	loop   *loop
	ctl    *servicectl.Ctl
	sets   *tasksetctl.Ctl // task sets of EXTERNAL and CODE_DEPLOY services
	fg     *fargatectl.Ctl
	ec2    *ec2ctl.Ctl
	rnd    *admission.Random // EC2 placement's random source
	ev     *eventemit.Emitter
	exec   *execsession.Sessions
	inst   *instances.Ops   // container instance operations
	agents *anywhere.Agents // remote agents (ECS Anywhere)
	ext    extensions       // reconcilers added from outside (extensions.go)

	express *express.Services // Express gateway services (express_ops.go)

	dns *svcdns.DNS // discovery tables and Cloud Map registry names (services_dns.go)
}

// New builds an emulator and, when cfg.StateDir is set, loads its state from there.
func New(cfg Config) (*Emulator, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "000000000000"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.StoppedTaskTTL <= 0 {
		cfg.StoppedTaskTTL = StoppedTaskTTL
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	st := state.New(cfg.Region, cfg.AccountID, cfg.Clock, cfg.Log)
	s := st.Store
	e := &Emulator{
		cfg:       cfg,
		st:        st,
		store:     s,
		clusters:  st.Clusters,
		taskDefs:  st.TaskDefs,
		families:  st.Families,
		providers: st.Providers,
		settings:  st.Settings,
		tasks:     st.Tasks,
		services:  st.Services,
		spot:      st.Spot,
		instances: st.Instances,
		asgs:      st.ASGs,

		deploys: &deployments.Records{St: st, Table: store.NewTable[svcdeploy.Record](s, "serviceDeployments")},
		gw:      gateways.New(st),
		loop:    newLoop(),
		rnd:     admission.NewRandom(time.Now().UnixNano()),
		ev:      eventemit.New(st, cfg.Events, cfg.Clock.Now()),
	}
	e.exec = execsession.New(st, e.ev)
	e.express = express.New(st, e)
	e.ctl = servicectl.New(st, host{e}, e.rnd, e.loop.poke)
	e.sets = tasksetctl.New(st, host{e}, e.ctl, e.rnd)
	e.ctl.SetTaskSets(taskSetPasses{e.sets})
	e.dm = daemons.New(st, host{e}, e.rnd)
	e.ec2 = ec2ctl.New(st, host{e}, e.rnd, e.loop.poke)
	e.fg = fargatectl.New(st, host{e}, e.loop.poke)
	e.inst = instances.New(st, host{e}, e.ec2)
	e.dns = svcdns.New(st, e.ctl)
	e.agents = anywhere.New(st, host{e}, e.inst)
	e.agents.SetTimeouts(cfg.AgentHeartbeatTimeout, cfg.AgentTaskGrace)
	e.ctl.SetLoadBalancers(cfg.LoadBalancers)
	e.ctl.SetStrategyPorts(cfg.HookRunner, cfg.AlarmStates, cfg.Activity)
	e.fg.SetQuotas(cfg.FargateQuotas)
	if cfg.SpotInterruptionRate > 0 {
		e.fg.SetInterruptionRate(cfg.SpotInterruptionRate)
	}
	if cfg.SpotInstanceInterruptionRate > 0 {
		e.ec2.SetSpotRate(cfg.SpotInstanceInterruptionRate)
	}
	if cfg.PlacementSeed != 0 {
		e.rnd.Seed(cfg.PlacementSeed)
	}
	if cfg.StateDir != "" {
		if err := s.OpenWith(cfg.StateDir, store.Options{Recover: cfg.Recover, NoSync: cfg.NoSync}); err != nil {
			return nil, fmt.Errorf("load state: %w", err)
		}
	}
	return e, nil
}

// SetRunner connects the agent that runs recorded tasks. Call it before serving.
// Tasks on remote agents' instances go to those agents instead (taskRouter).
func (e *Emulator) SetRunner(r TaskRunner) {
	if r == nil {
		e.runner = nil
		return
	}
	e.runner = &taskRouter{agents: e.agents, local: r}
}

// Recovered lists what loading damaged state with Config.Recover dropped (nil if nothing).
func (e *Emulator) Recovered() []string { return e.store.Recovered() }

// Close writes a final snapshot and releases the state directory.
func (e *Emulator) Close() error { return e.store.Close() }

// Region is the default region.
func (e *Emulator) Region() string { return e.cfg.Region }

// AccountID is the emulated account.
func (e *Emulator) AccountID() string { return e.cfg.AccountID }

// TaskDefinitionDeleteGrace is how long a DELETE_IN_PROGRESS revision that nothing
// references stays visible before it is purged (ECS takes up to an hour).
const TaskDefinitionDeleteGrace = 10 * time.Minute
