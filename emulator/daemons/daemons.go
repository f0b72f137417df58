// Package daemons holds the managed daemons: daemon task definitions, daemons, their
// revisions and deployments (the operations over the state and the tables it owns),
// and the daemon reconciler that keeps one daemon task on every instance.
package daemons

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/admission"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/providers"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/svcdeploy"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// Daemons (CreateDaemon and the rest): a daemon runs one task of its daemon task
// definition on every container instance of its capacity providers. Every create,
// update and delete makes a daemon revision (the configuration as deployed) and a
// daemon deployment that moves the daemon to it.
//
// The daemon reconciler (reconcile.go) carries deployments out: a deployment is
// IN_PROGRESS until every eligible instance runs a task of its target revision.

// Daemons is the daemon operations, their tables and the daemon reconciler.
type Daemons struct {
	st              *state.State
	daemonTaskDefs  *store.Table[ecs.DaemonTaskDefinition]
	daemons         *store.Table[daemonRecord]
	daemonDeploys   *store.Table[daemonDeploymentRecord]
	daemonRevisions *store.Table[ecs.DaemonRevision]

	host Host
	rnd  *admission.Random // EC2 placement's random source
	// started is when a daemon's task last started on an instance (instance ARN, NUL,
	// daemon key); only the control loop's passes use it.
	started map[string]time.Time
}

// New registers the daemon tables in st's store (call it before the store is opened);
// the reconciler starts tasks through host, placing them with rnd.
func New(st *state.State, host Host, rnd *admission.Random) *Daemons {
	s := st.Store
	return &Daemons{st: st, host: host, rnd: rnd, started: map[string]time.Time{},
		daemonTaskDefs:  store.NewTable[ecs.DaemonTaskDefinition](s, "daemonTaskDefinitions"),
		daemons:         store.NewTable[daemonRecord](s, "daemons"),
		daemonDeploys:   store.NewTable[daemonDeploymentRecord](s, "daemonDeployments"),
		daemonRevisions: store.NewTable[ecs.DaemonRevision](s, "daemonRevisions"),
	}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// daemonRecord is a stored daemon.
type daemonRecord struct {
	Detail                  ecs.DaemonDetail `json:"detail"`
	Name                    string           `json:"name"`
	ClusterName             string           `json:"clusterName"`
	TaskDefinition          string           `json:"taskDefinition"`
	CapacityProviders       []string         `json:"capacityProviders"`
	DeploymentConfiguration json.RawMessage  `json:"deploymentConfiguration,omitempty"`
	PropagateTags           string           `json:"propagateTags,omitempty"`
	EnableECSManagedTags    *bool            `json:"enableECSManagedTags,omitempty"`
	EnableExecuteCommand    *bool            `json:"enableExecuteCommand,omitempty"`
	Tags                    []ecs.Tag        `json:"tags,omitempty"`
	// TargetRevision is the revision ARN the daemon deploys ("" once deleted);
	// DeploymentKey the store key of its latest deployment.
	TargetRevision string `json:"targetRevision,omitempty"`
	DeploymentKey  string `json:"deploymentKey,omitempty"`
	// Stepping marks a deployment step under way; BakeUntil is when the next may start.
	Stepping  bool       `json:"stepping,omitempty"`
	BakeUntil *time.Time `json:"bakeUntil,omitempty"`
}

// daemonDeploymentRecord is a stored daemon deployment.
type daemonDeploymentRecord struct {
	Deployment ecs.DaemonDeployment `json:"deployment"`
	DaemonArn  string               `json:"daemonArn"`
}

var daemonPropagateTags = ecs.Enum{Shape: "DaemonPropagateTags", Values: []string{"DAEMON", "NONE"}}

var daemonDeploymentStatuses = ecs.Enum{Shape: "DaemonDeploymentStatus", Values: []string{"PENDING", "SUCCESSFUL", "STOPPED",
	"STOP_REQUESTED", "IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"}}

func daemonARN(sc ecs.Scope, kind, cluster, name, id string) string {
	s := "arn:aws:ecs:" + sc.Region + ":" + sc.Account + ":" + kind + "/" + cluster + "/" + name
	if id != "" {
		s += "/" + id
	}
	return s
}

// daemonRefKey resolves a daemon ARN (arn:aws:ecs:REGION:ACCOUNT:daemon/CLUSTER/NAME).
func (dm *Daemons) daemonRefKey(ctx context.Context, ref, kind string) (k string, parts []string, err error) {
	a, ok := ecs.ParseARN(ref)
	if ref == "" {
		return "", nil, ecs.InvalidParameter("The %s ARN can not be blank.", kind)
	}
	if !ok || a.Service != "ecs" || a.Kind() != kind || !a.InAccount(dm.st.Scope(ctx).Account) {
		return "", nil, ecs.InvalidParameter("Invalid %s ARN %s.", kind, ref)
	}
	parts = strings.Split(a.Path(), "/")
	if len(parts) < 2 {
		return "", nil, ecs.InvalidParameter("Invalid %s ARN %s.", kind, ref)
	}
	return state.Key(a.Region, parts[0], parts[1]), parts, nil
}

func (dm *Daemons) findDaemon(ctx context.Context, ref string) (string, *daemonRecord, error) {
	k, _, err := dm.daemonRefKey(ctx, ref, "daemon")
	if err != nil {
		return "", nil, err
	}
	d, ok := dm.daemons.Get(k)
	if !ok {
		return "", nil, ecs.Errorf(ecs.CodeResourceNotFound, "The daemon %s does not exist.", ref)
	}
	return k, d, nil
}

// daemonLaunch checks what a daemon is to run: an ACTIVE daemon task definition and
// EC2 capacity providers of the cluster. It must run inside a store View or Update.
func (dm *Daemons) daemonLaunch(ctx context.Context, c *ecs.Cluster, in *ecs.DaemonInput) (*ecs.DaemonTaskDefinition, []string, error) {
	var problems []string
	if in.DaemonTaskDefinitionArn == "" {
		problems = append(problems, "The daemon task definition ARN can not be blank.")
	}
	if len(in.CapacityProviderArns) == 0 {
		problems = append(problems, "Capacity providers can not be empty.")
	}
	if in.PropagateTags != "" && !daemonPropagateTags.Has(in.PropagateTags) {
		problems = append(problems, fmt.Sprintf("Invalid propagateTags '%s'. Valid values: %s.", in.PropagateTags, daemonPropagateTags.List()))
	}
	if len(problems) > 0 {
		return nil, nil, ecs.InvalidParameter("%s", strings.Join(problems, " "))
	}
	_, td, err := dm.findDaemonTaskDef(ctx, in.DaemonTaskDefinitionArn)
	if err != nil {
		return nil, nil, err
	}
	if td.Status != ecs.DaemonActive {
		return nil, nil, ecs.ClientError("The daemon task definition %s is not ACTIVE.", td.DaemonTaskDefinitionArn)
	}
	sc := dm.st.Scope(ctx)
	var cps []string
	for _, ref := range in.CapacityProviderArns {
		cp, err := providers.CapacityProvider(dm.st, sc, ref)
		if err != nil {
			return nil, nil, err
		}
		if cp.Name == ecs.Fargate || cp.Name == ecs.FargateSpot {
			return nil, nil, ecs.InvalidParameter("Daemons run on container instances: the capacity provider %s is a Fargate capacity provider.", cp.Name)
		}
		if !slices.Contains(c.CapacityProviders, cp.Name) {
			return nil, nil, ecs.InvalidParameter("The capacity provider %s is not associated with the cluster %s.", cp.Name, c.ClusterName)
		}
		cps = append(cps, cp.CapacityProviderArn)
	}
	return td, cps, nil
}

// deployDaemon makes a revision of r as it now is and a deployment to it from the
// daemon's current revisions; it sets r's current revision and deployment.
func (dm *Daemons) deployDaemon(tx *store.Tx, sc ecs.Scope, r *daemonRecord, td *ecs.DaemonTaskDefinition) {
	now := ecs.At(dm.st.Clock.Now())
	revID, depID := svcdeploy.NewID(), svcdeploy.NewID()
	rev := &ecs.DaemonRevision{DaemonRevisionArn: daemonARN(sc, "daemon-revision", r.ClusterName, r.Name, revID),
		ClusterArn: r.Detail.ClusterArn, DaemonArn: r.Detail.DaemonArn, DaemonTaskDefinitionArn: r.TaskDefinition, CreatedAt: now,
		PropagateTags: r.PropagateTags, EnableECSManagedTags: r.EnableECSManagedTags, EnableExecuteCommand: r.EnableExecuteCommand}
	if td != nil {
		var cs []daemonContainer
		_ = json.Unmarshal(td.ContainerDefinitions, &cs) // checked when registered
		for _, c := range cs {
			rev.ContainerImages = append(rev.ContainerImages, ecs.ContainerImage{ContainerName: c.Name, Image: c.Image})
		}
	}
	dm.daemonRevisions.Put(tx, state.Key(sc.Region, r.ClusterName, r.Name, revID), rev)
	target := &ecs.DaemonDeploymentRevisionDetail{Arn: rev.DaemonRevisionArn, CapacityProviders: []ecs.DaemonDeploymentCapacityProvider{}}
	for _, cp := range r.CapacityProviders {
		target.CapacityProviders = append(target.CapacityProviders, ecs.DaemonDeploymentCapacityProvider{Arn: cp})
	}
	dep := ecs.DaemonDeployment{DaemonDeploymentArn: daemonARN(sc, "daemon-deployment", r.ClusterName, r.Name, depID),
		ClusterArn: r.Detail.ClusterArn, Status: ecs.SDInProgress, TargetDaemonRevision: target,
		CircuitBreaker:          &ecs.ServiceDeploymentCircuitBreaker{Status: ecs.MonitorDisabled},
		DeploymentConfiguration: r.DeploymentConfiguration, CreatedAt: now, StartedAt: now}
	var keep []ecs.DaemonRevisionDetail
	for _, cur := range r.Detail.CurrentRevisions {
		if cur.TotalRunningCount > 0 {
			keep = append(keep, cur) // its tasks run until the deployment replaces them
		}
		src := ecs.DaemonDeploymentRevisionDetail{Arn: cur.Arn, CapacityProviders: []ecs.DaemonDeploymentCapacityProvider{}}
		for _, cp := range cur.CapacityProviders {
			src.CapacityProviders = append(src.CapacityProviders, ecs.DaemonDeploymentCapacityProvider{Arn: cp.Arn})
		}
		dep.SourceDaemonRevisions = append(dep.SourceDaemonRevisions, src)
	}
	if prev, ok := dm.daemonDeploys.Get(r.DeploymentKey); ok && (prev.Deployment.Status == ecs.SDInProgress || prev.Deployment.Status == ecs.SDPending) {
		stopped := *prev
		stopped.Deployment.Status, stopped.Deployment.StoppedAt = ecs.SDStopped, now
		stopped.Deployment.StatusReason = "A newer daemon deployment replaced this one."
		dm.daemonDeploys.Put(tx, r.DeploymentKey, &stopped)
	}
	prefix := state.Key(sc.Region, r.ClusterName, r.Name) + "\x00"
	r.DeploymentKey = prefix + nextOrdinal(dm.daemonDeploys, prefix) + "\x00" + depID
	dm.daemonDeploys.Put(tx, r.DeploymentKey, &daemonDeploymentRecord{Deployment: dep, DaemonArn: r.Detail.DaemonArn})
	r.Detail.DeploymentArn, r.Detail.UpdatedAt = dep.DaemonDeploymentArn, now
	r.Detail.CurrentRevisions, r.TargetRevision, r.Stepping, r.BakeUntil = keep, "", false, nil
	if td != nil {
		cur := ecs.DaemonRevisionDetail{Arn: rev.DaemonRevisionArn, CapacityProviders: []ecs.DaemonCapacityProvider{}}
		for _, cp := range r.CapacityProviders {
			cur.CapacityProviders = append(cur.CapacityProviders, ecs.DaemonCapacityProvider{Arn: cp})
		}
		r.Detail.CurrentRevisions = append(r.Detail.CurrentRevisions, cur)
		r.TargetRevision = rev.DaemonRevisionArn
	}
	if r.Detail.CurrentRevisions == nil {
		r.Detail.CurrentRevisions = []ecs.DaemonRevisionDetail{}
	}
}

func daemonOutput(r *daemonRecord) *ecs.DaemonOutput {
	d := r.Detail
	return &ecs.DaemonOutput{DaemonArn: d.DaemonArn, Status: d.Status, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, DeploymentArn: d.DeploymentArn}
}

// CreateDaemon creates a daemon in a cluster and its first deployment.
func (dm *Daemons) CreateDaemon(ctx context.Context, in *ecs.DaemonInput) (*ecs.DaemonOutput, error) {
	if in.DaemonName == "" || !nameRE.MatchString(in.DaemonName) {
		return nil, ecs.InvalidParameter("Daemon name must match ^[a-zA-Z0-9_-]{1,255}$, but was %q.", in.DaemonName)
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	var out *ecs.DaemonOutput
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		ck, c, err := dm.st.ActiveCluster(ctx, in.ClusterArn)
		if err != nil {
			return err
		}
		td, cps, err := dm.daemonLaunch(ctx, c, in)
		if err != nil {
			return err
		}
		sc := ecs.Scope{Region: state.LastRegion(ck), Account: dm.st.AccountID}
		k := state.Key(sc.Region, c.ClusterName, in.DaemonName)
		if old, ok := dm.daemons.Get(k); ok && old.Detail.Status == ecs.DaemonActive {
			return ecs.InvalidParameter("A daemon named %s already exists in the cluster %s.", in.DaemonName, c.ClusterName)
		}
		now := ecs.At(dm.st.Clock.Now())
		r := &daemonRecord{Name: in.DaemonName, ClusterName: c.ClusterName, TaskDefinition: td.DaemonTaskDefinitionArn,
			CapacityProviders: cps, DeploymentConfiguration: in.DeploymentConfiguration, PropagateTags: in.PropagateTags,
			EnableECSManagedTags: in.EnableECSManagedTags, EnableExecuteCommand: in.EnableExecuteCommand, Tags: in.Tags,
			Detail: ecs.DaemonDetail{DaemonArn: daemonARN(sc, "daemon", c.ClusterName, in.DaemonName, ""), ClusterArn: c.ClusterArn,
				Status: ecs.DaemonActive, CreatedAt: now}}
		dm.deployDaemon(tx, sc, r, td)
		dm.daemons.Put(tx, k, r)
		out = daemonOutput(r)
		return nil
	})
	return out, err
}

// UpdateDaemon changes a daemon's task definition, capacity providers or settings and
// deploys the change.
func (dm *Daemons) UpdateDaemon(ctx context.Context, in *ecs.DaemonInput) (*ecs.DaemonOutput, error) {
	var out *ecs.DaemonOutput
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		k, old, err := dm.findDaemon(ctx, in.DaemonArn)
		if err != nil {
			return err
		}
		if old.Detail.Status != ecs.DaemonActive {
			return ecs.InvalidParameter("The daemon %s is %s and can't be updated.", old.Name, old.Detail.Status)
		}
		ck, c, err := dm.st.ActiveCluster(ctx, old.Detail.ClusterArn)
		if err != nil {
			return err
		}
		td, cps, err := dm.daemonLaunch(ctx, c, in)
		if err != nil {
			return err
		}
		r := *old
		r.TaskDefinition, r.CapacityProviders = td.DaemonTaskDefinitionArn, cps
		if len(in.DeploymentConfiguration) > 0 {
			r.DeploymentConfiguration = in.DeploymentConfiguration
		}
		if in.PropagateTags != "" {
			r.PropagateTags = in.PropagateTags
		}
		if in.EnableECSManagedTags != nil {
			r.EnableECSManagedTags = in.EnableECSManagedTags
		}
		if in.EnableExecuteCommand != nil {
			r.EnableExecuteCommand = in.EnableExecuteCommand
		}
		dm.deployDaemon(tx, ecs.Scope{Region: state.LastRegion(ck), Account: dm.st.AccountID}, &r, td)
		dm.daemons.Put(tx, k, &r)
		out = daemonOutput(&r)
		return nil
	})
	return out, err
}

// DeleteDaemon moves a daemon to DELETE_IN_PROGRESS with a deployment that drains its
// tasks.
func (dm *Daemons) DeleteDaemon(ctx context.Context, in *ecs.DaemonRef) (*ecs.DaemonOutput, error) {
	var out *ecs.DaemonOutput
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		k, old, err := dm.findDaemon(ctx, in.DaemonArn)
		if err != nil {
			return err
		}
		if old.Detail.Status != ecs.DaemonActive {
			return ecs.InvalidParameter("The daemon %s must be ACTIVE to be deleted; it is %s.", old.Name, old.Detail.Status)
		}
		r := *old
		r.Detail.Status = ecs.DaemonDeleteInProgress
		a, _ := ecs.ParseARN(r.Detail.DaemonArn)
		dm.deployDaemon(tx, ecs.Scope{Region: a.Region, Account: dm.st.AccountID}, &r, nil)
		dm.daemons.Put(tx, k, &r)
		out = daemonOutput(&r)
		return nil
	})
	return out, err
}

// DescribeDaemon describes one daemon.
func (dm *Daemons) DescribeDaemon(ctx context.Context, in *ecs.DaemonRef) (*ecs.DescribeDaemonOutput, error) {
	var out *ecs.DescribeDaemonOutput
	var err error
	dm.st.Store.View(func() {
		var r *daemonRecord
		if _, r, err = dm.findDaemon(ctx, in.DaemonArn); err == nil {
			d := r.Detail
			out = &ecs.DescribeDaemonOutput{Daemon: &d}
		}
	})
	return out, err
}

// ListDaemons lists the Region's daemons, or a cluster's, filtered by capacity provider.
func (dm *Daemons) ListDaemons(ctx context.Context, in *ecs.ListDaemonsInput) (*ecs.ListDaemonsOutput, error) {
	prefix := dm.st.Scope(ctx).Region + "\x00"
	out := &ecs.ListDaemonsOutput{DaemonSummariesList: []ecs.DaemonSummary{}}
	var err error
	dm.st.Store.View(func() {
		if in.ClusterArn != "" {
			var ck string
			if ck, _, err = dm.st.ActiveCluster(ctx, in.ClusterArn); err != nil {
				return
			}
			prefix = ck + "\x00"
		}
		var p paging.Page
		if p, err = paging.New(in.ListInput, prefix, 100, 100); err != nil {
			return
		}
		ds, next := paging.List(dm.daemons, p, prefix, false, func(_ string, r *daemonRecord) bool {
			for _, cp := range in.CapacityProviderArns {
				if !slices.ContainsFunc(r.CapacityProviders, func(s string) bool { return s == cp || strings.HasSuffix(s, "/"+cp) }) {
					return false
				}
			}
			return true
		})
		for _, r := range ds {
			d := r.Detail
			out.DaemonSummariesList = append(out.DaemonSummariesList, ecs.DaemonSummary{DaemonArn: d.DaemonArn, Status: d.Status, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt})
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListDaemonDeployments lists a daemon's deployments, newest first.
func (dm *Daemons) ListDaemonDeployments(ctx context.Context, in *ecs.ListDaemonDeploymentsInput) (*ecs.ListDaemonDeploymentsOutput, error) {
	for _, s := range in.Status {
		if !daemonDeploymentStatuses.Has(s) {
			return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", s, daemonDeploymentStatuses.List())
		}
	}
	out := &ecs.ListDaemonDeploymentsOutput{DaemonDeployments: []ecs.DaemonDeploymentSummary{}}
	var err error
	dm.st.Store.View(func() {
		var k string
		if k, _, err = dm.findDaemon(ctx, in.DaemonArn); err != nil {
			return
		}
		prefix := k + "\x00"
		var p paging.Page
		if p, err = paging.New(in.ListInput, prefix, 20, 100); err != nil {
			return
		}
		ds, next := paging.List(dm.daemonDeploys, p, prefix, true, func(_ string, r *daemonDeploymentRecord) bool {
			d := r.Deployment
			if len(in.Status) > 0 && !slices.Contains(in.Status, d.Status) {
				return false
			}
			if f := in.CreatedAt; f != nil && d.CreatedAt != nil {
				if (f.After != nil && !d.CreatedAt.After(f.After.Time)) || (f.Before != nil && !d.CreatedAt.Before(f.Before.Time)) {
					return false
				}
			}
			return true
		})
		for _, r := range ds {
			d := r.Deployment
			s := ecs.DaemonDeploymentSummary{DaemonDeploymentArn: d.DaemonDeploymentArn, DaemonArn: r.DaemonArn, ClusterArn: d.ClusterArn,
				Status: d.Status, StatusReason: d.StatusReason, CreatedAt: d.CreatedAt, StartedAt: d.StartedAt, StoppedAt: d.StoppedAt, FinishedAt: d.FinishedAt}
			if d.TargetDaemonRevision != nil {
				s.TargetDaemonRevisionArn = d.TargetDaemonRevision.Arn
			}
			out.DaemonDeployments = append(out.DaemonDeployments, s)
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DescribeDaemonDeployments describes daemon deployments by ARN.
func (dm *Daemons) DescribeDaemonDeployments(ctx context.Context, in *ecs.DescribeDaemonDeploymentsInput) (*ecs.DescribeDaemonDeploymentsOutput, error) {
	if err := checkARNList("daemonDeploymentArns", in.DaemonDeploymentArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeDaemonDeploymentsOutput{DaemonDeployments: []ecs.DaemonDeployment{}, Failures: []ecs.Failure{}}
	dm.st.Store.View(func() {
		for _, arn := range in.DaemonDeploymentArns {
			var found *daemonDeploymentRecord
			if k, parts, err := dm.daemonRefKey(ctx, arn, "daemon-deployment"); err == nil && len(parts) == 3 {
				prefix := k + "\x00"
				dm.daemonDeploys.Ascend(prefix, func(dk string, r *daemonDeploymentRecord) bool {
					if !strings.HasPrefix(dk, prefix) {
						return false
					}
					if strings.HasSuffix(dk, "\x00"+parts[2]) {
						found = r
						return false
					}
					return true
				})
			}
			if found != nil {
				out.DaemonDeployments = append(out.DaemonDeployments, found.Deployment)
			} else {
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
			}
		}
	})
	return out, nil
}

// DescribeDaemonRevisions describes daemon revisions by ARN.
func (dm *Daemons) DescribeDaemonRevisions(ctx context.Context, in *ecs.DescribeDaemonRevisionsInput) (*ecs.DescribeDaemonRevisionsOutput, error) {
	if err := checkARNList("daemonRevisionArns", in.DaemonRevisionArns); err != nil {
		return nil, err
	}
	out := &ecs.DescribeDaemonRevisionsOutput{DaemonRevisions: []ecs.DaemonRevision{}, Failures: []ecs.Failure{}}
	dm.st.Store.View(func() {
		for _, arn := range in.DaemonRevisionArns {
			if k, parts, err := dm.daemonRefKey(ctx, arn, "daemon-revision"); err == nil && len(parts) == 3 {
				if rev, ok := dm.daemonRevisions.Get(k + "\x00" + parts[2]); ok {
					out.DaemonRevisions = append(out.DaemonRevisions, *rev)
					continue
				}
			}
			out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "MISSING"})
		}
	})
	return out, nil
}

// nextOrdinal is the key part that orders a new record after every record under prefix
// (keys prefix + ordinal + NUL + id): creation order, even for records made at the same
// instant. It must run inside a store Update.
func nextOrdinal[T any](t *store.Table[T], prefix string) string {
	n := uint64(0)
	t.Descend(prefix+"\xff", func(k string, _ *T) bool {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			ord, _, _ := strings.Cut(rest, "\x00")
			if v, err := strconv.ParseUint(ord, 10, 64); err == nil {
				n = v
			}
		}
		return false
	})
	return fmt.Sprintf("%012d", n+1)
}

// checkARNList validates the ARN list of the Describe operations (1 to 20).
func checkARNList(name string, arns []string) error {
	switch {
	case len(arns) == 0:
		return ecs.InvalidParameter("%s can not be empty.", name)
	case len(arns) > 20:
		return ecs.InvalidParameter("%s can have at most 20 items.", name)
	}
	return nil
}
