package emulator

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/store"
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
}

// Emulator is the ECS control plane.
type Emulator struct {
	cfg   Config
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

	runner TaskRunner // nil until SetRunner: tasks are recorded but not run
	loop   *loop
	ctl    *controller
	fg     *fargateCtl
	ec2    *ec2Ctl
	ev     *eventState
	exec   *execSessions
	ext    extensions // reconcilers added from outside (extensions.go)
}

// familyRecord remembers the last revision number of a family, so numbering continues
// after revisions are deleted, as ECS does.
type familyRecord struct {
	LastRevision int `json:"lastRevision"`
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
	s := store.New()
	e := &Emulator{
		cfg:       cfg,
		store:     s,
		clusters:  store.NewTable[ecs.Cluster](s, "clusters"),
		taskDefs:  store.NewTable[taskDefRecord](s, "taskDefinitions"),
		families:  store.NewTable[familyRecord](s, "families"),
		providers: store.NewTable[ecs.CapacityProvider](s, "capacityProviders"),
		settings:  store.NewTable[ecs.Setting](s, "accountSettings"),
		tasks:     store.NewTable[taskRecord](s, "tasks"),
		services:  store.NewTable[serviceRecord](s, "services"),
		spot:      store.NewTable[spotRecord](s, "spotCapacity"),
		instances: store.NewTable[instanceRecord](s, "instances"),
		asgs:      store.NewTable[asgRecord](s, "autoScalingGroups"),
		loop:      newLoop(),
		ev:        newEventState(cfg.Events, cfg.Clock.Now()),
		exec:      newExecSessions(),
	}
	e.fg, e.ec2, e.ctl = newFargateCtl(e.loop), newEC2Ctl(e.loop), newController(e.loop)
	e.ctl.lbs.e = e
	if cfg.StateDir != "" {
		if err := s.OpenWith(cfg.StateDir, store.Options{Recover: cfg.Recover, NoSync: cfg.NoSync}); err != nil {
			return nil, fmt.Errorf("load state: %w", err)
		}
	}
	return e, nil
}

// SetRunner connects the agent that runs recorded tasks. Call it before serving.
func (e *Emulator) SetRunner(r TaskRunner) { e.runner = r }

// logError reports a control-loop problem nobody waits for.
func (e *Emulator) logError(what string, err error) { e.cfg.Log.Error(what, "err", err) }

// Recovered lists what loading damaged state with Config.Recover dropped (nil if nothing).
func (e *Emulator) Recovered() []string { return e.store.Recovered() }

// Close writes a final snapshot and releases the state directory.
func (e *Emulator) Close() error { return e.store.Close() }

// Region is the default region.
func (e *Emulator) Region() string { return e.cfg.Region }

// AccountID is the emulated account.
func (e *Emulator) AccountID() string { return e.cfg.AccountID }

// scope is the region and account of the caller in ctx.
func (e *Emulator) scope(ctx context.Context) ecs.Scope {
	r := ecs.RegionFrom(ctx)
	if r == "" {
		r = e.cfg.Region
	}
	return ecs.Scope{Region: r, Account: e.cfg.AccountID}
}

// key joins the parts of a store key with NUL, which sorts below every character a
// resource name may hold, so keys order by (region, name, ...) part by part.
func key(parts ...string) string { return strings.Join(parts, "\x00") }

// revKey formats a revision so that keys sort numerically (ECS allows 1,000,000).
func revKey(rev int) string { return fmt.Sprintf("%07d", rev) }

// lastPart is the final part of a store key.
func lastPart(k string) string { return k[strings.LastIndexByte(k, 0)+1:] }

func atoiPositive(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// TaskDefinitionDeleteGrace is how long a DELETE_IN_PROGRESS revision that nothing
// references stays visible before it is purged (ECS takes up to an hour).
const TaskDefinitionDeleteGrace = 10 * time.Minute
