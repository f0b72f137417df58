// Package state is the control plane's state: the store tables, the records they hold,
// their keys and the read helpers every part of the emulator shares. The facade
// (package emulator) and the reconcilers (servicectl, fargatectl, ec2ctl) all read and
// write it through one *State; none of them depends on another's internals.
package state

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// State is the journalled store, its tables, and what every reader needs beside them:
// the clock, the default region and the account.
type State struct {
	Store     *store.Store
	Clock     clock.Clock
	Region    string // default region when a request carries none
	AccountID string
	Log       *slog.Logger

	Clusters  *store.Table[ecs.Cluster]
	TaskDefs  *store.Table[TaskDef]
	Families  *store.Table[Family]
	Providers *store.Table[ecs.CapacityProvider]
	Settings  *store.Table[ecs.Setting]
	Tasks     *store.Table[Task]
	Services  *store.Table[Service]
	Spot      *store.Table[Spot]
	Instances *store.Table[Instance]
	ASGs      *store.Table[ASG]
	// ClusterGone holds when each INACTIVE (deleted) cluster was deleted, under the
	// cluster's key; the purge forgets the cluster a while after (ClusterTTL).
	ClusterGone *store.Table[time.Time]
}

// New makes the tables on a fresh store. Region, AccountID, Clock and Log must be set.
func New(region, account string, clk clock.Clock, log *slog.Logger) *State {
	s := store.New()
	return &State{
		Store: s, Clock: clk, Region: region, AccountID: account, Log: log,
		Clusters:    store.NewTable[ecs.Cluster](s, "clusters"),
		TaskDefs:    store.NewTable[TaskDef](s, "taskDefinitions"),
		Families:    store.NewTable[Family](s, "families"),
		Providers:   store.NewTable[ecs.CapacityProvider](s, "capacityProviders"),
		Settings:    store.NewTable[ecs.Setting](s, "accountSettings"),
		Tasks:       store.NewTable[Task](s, "tasks"),
		Services:    store.NewTable[Service](s, "services"),
		Spot:        store.NewTable[Spot](s, "spotCapacity"),
		Instances:   store.NewTable[Instance](s, "instances"),
		ASGs:        store.NewTable[ASG](s, "autoScalingGroups"),
		ClusterGone: store.NewTable[time.Time](s, "deletedClusters"),
	}
}

// LogError reports a control-loop problem nobody waits for.
func (s *State) LogError(what string, err error) { s.Log.Error(what, "err", err) }

// Scope is the region and account of the caller in ctx.
func (s *State) Scope(ctx context.Context) ecs.Scope {
	r := ecs.RegionFrom(ctx)
	if r == "" {
		r = s.Region
	}
	return ecs.Scope{Region: r, Account: s.AccountID}
}

// Key joins the parts of a store key with NUL, which sorts below every character a
// resource name may hold, so keys order by (region, name, ...) part by part.
func Key(parts ...string) string { return strings.Join(parts, "\x00") }

// RevKey formats a revision so that keys sort numerically (ECS allows 1,000,000).
func RevKey(rev int) string { return fmt.Sprintf("%07d", rev) }

// LastPart is the final part of a store key.
func LastPart(k string) string { return k[strings.LastIndexByte(k, 0)+1:] }

// AtoiPositive parses a positive decimal number.
func AtoiPositive(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// RegionOf is the region of an ARN (the default region if it has none).
func (s *State) RegionOf(arn string) string {
	if a, ok := ecs.ParseARN(arn); ok && a.Region != "" {
		return a.Region
	}
	return s.Region
}
