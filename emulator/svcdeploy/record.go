package svcdeploy

import (
	"crypto/rand"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
)

// Record is one stored service deployment with the revision it deploys.
type Record struct {
	Deployment ecs.ServiceDeployment `json:"serviceDeployment"`
	Revision   ecs.ServiceRevision   `json:"serviceRevision"`
	// DeploymentID is the service deployment's ecs-svc/ id in DescribeServices.
	DeploymentID string `json:"deploymentId"`
	// Sources are the ecs-svc/ ids of the source revisions, in the order of
	// Deployment.SourceServiceRevisions.
	Sources []string `json:"sources,omitempty"`
	// RollbackTo is the ecs-svc/ id of the deployment a rollback made PRIMARY again.
	RollbackTo string `json:"rollbackTo,omitempty"`
	// StopReason is why a stop was requested (StopServiceDeployment), for the status.
	StopReason string `json:"stopReason,omitempty"`
}

// Dep is what ecsmini's deployment with the given ID currently says.
type Dep struct {
	ID, Status, RolloutState         string
	Rollback                         bool
	Desired, Pending, Running, Fails int
}

// Status reasons and rollback reasons (ecsmini's wording; ECS's is not documented).
const (
	ReasonSuperseded     = "Service deployment stopped because a newer service deployment started."
	ReasonBreakerStopped = "Service deployment failed: the deployment circuit breaker detected task failures."
	ReasonBreakerRollbck = "The deployment circuit breaker detected task failures and rolled the service back."
	ReasonStopRollback   = "Service deployment rolled back by StopServiceDeployment."
	ReasonStopAbort      = "Service deployment stopped by StopServiceDeployment."
	ReasonRollbackFailed = "The rollback's own service deployment failed."
)

// NewID is a service deployment id as ECS forms them: 21 URL-safe characters.
func NewID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	var b [21]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	for i := range b {
		b[i] = alphabet[b[i]&63]
	}
	return string(b[:])
}

// Number is the number part of an ecs-svc/NUMBER deployment id, which names the
// deployment's service revision.
func Number(deploymentID string) string {
	return deploymentID[strings.LastIndexByte(deploymentID, '/')+1:]
}

// Terminal reports whether a status is final.
func Terminal(status string) bool {
	switch status {
	case ecs.SDSuccessful, ecs.SDStopped, ecs.SDRollbackSuccessful, ecs.SDRollbackFailed:
		return true
	}
	return false
}

// Stoppable reports whether StopServiceDeployment may stop a deployment in status.
func Stoppable(status string) bool { return status == ecs.SDPending || status == ecs.SDInProgress }

// InitialStatus is the status of a new record for a deployment: PENDING for one that
// is about to roll out; a record made for a deployment already finished (state written
// before ecsmini kept records) takes its outcome.
func InitialStatus(d Dep) string {
	switch {
	case d.RolloutState == ecs.RolloutCompleted:
		return ecs.SDSuccessful
	case d.RolloutState == ecs.RolloutInProgress && d.Status == ecs.DeploymentPrimary:
		return ecs.SDPending
	}
	return ecs.SDStopped
}

func find(deps []Dep, id string) *Dep {
	for i := range deps {
		if deps[i].ID == id {
			return &deps[i]
		}
	}
	return nil
}

// rollbackPrimary is the deployment a rollback of failed made PRIMARY, if any.
func rollbackPrimary(deps []Dep, failed string) *Dep {
	for i := range deps {
		if d := &deps[i]; d.ID != failed && d.Status == ecs.DeploymentPrimary && d.Rollback {
			return d
		}
	}
	return nil
}

// clone copies r deeply enough for Advance to change the copy.
func (r *Record) clone() *Record {
	c := *r
	c.Deployment.SourceServiceRevisions = slices.Clone(r.Deployment.SourceServiceRevisions)
	if t := r.Deployment.TargetServiceRevision; t != nil {
		tc := *t
		c.Deployment.TargetServiceRevision = &tc
	}
	if b := r.Deployment.DeploymentCircuitBreaker; b != nil {
		bc := *b
		c.Deployment.DeploymentCircuitBreaker = &bc
	}
	if a := r.Deployment.Alarms; a != nil {
		ac := *a
		c.Deployment.Alarms = &ac
	}
	if rb := r.Deployment.Rollback; rb != nil {
		rc := *rb
		c.Deployment.Rollback = &rc
	}
	return &c
}

// Brief is the record as ListServiceDeployments lists it.
func (r *Record) Brief() ecs.ServiceDeploymentBrief {
	d := r.Deployment
	b := ecs.ServiceDeploymentBrief{ServiceDeploymentArn: d.ServiceDeploymentArn, ServiceArn: d.ServiceArn,
		ClusterArn: d.ClusterArn, StartedAt: d.StartedAt, CreatedAt: d.CreatedAt, FinishedAt: d.FinishedAt,
		Status: d.Status, StatusReason: d.StatusReason}
	if d.TargetServiceRevision != nil {
		b.TargetServiceRevisionArn = d.TargetServiceRevision.Arn
	}
	return b
}

// Advance returns r moved on by what the service's deployments now say (r itself when
// nothing changed; stored records are never modified in place).
func Advance(r *Record, deps []Dep, now time.Time) *Record {
	if Terminal(r.Deployment.Status) {
		return r
	}
	n := r.clone()
	sd := &n.Deployment
	t := find(deps, n.DeploymentID)
	if t != nil && sd.TargetServiceRevision != nil {
		sd.TargetServiceRevision.RequestedTaskCount = t.Desired
		sd.TargetServiceRevision.PendingTaskCount = t.Pending
		sd.TargetServiceRevision.RunningTaskCount = t.Running
	}
	for i := range sd.SourceServiceRevisions {
		if i < len(n.Sources) {
			s := &sd.SourceServiceRevisions[i]
			if d := find(deps, n.Sources[i]); d != nil {
				s.RequestedTaskCount, s.PendingTaskCount, s.RunningTaskCount = d.Desired, d.Pending, d.Running
			} else {
				s.RequestedTaskCount, s.PendingTaskCount, s.RunningTaskCount = 0, 0, 0
			}
		}
	}
	if cb := sd.DeploymentCircuitBreaker; cb != nil && cb.Status == ecs.MonitorActive && t != nil {
		cb.FailureCount, cb.Threshold = t.Fails, scheduler.BreakerThreshold(t.Desired)
	}
	n.step(t, deps, now)
	if equal(r, n) {
		return r
	}
	sd.UpdatedAt = ecs.At(now)
	return n
}

// step moves the status as far as the deployments allow in one go.
func (n *Record) step(t *Dep, deps []Dep, now time.Time) {
	sd := &n.Deployment
	for range 4 { // each case either stops or moves to a later status
		switch sd.Status {
		case ecs.SDPending:
			if t == nil || t.Status != ecs.DeploymentPrimary {
				n.stop(ReasonSuperseded, now)
				return
			}
			sd.Status, sd.StartedAt = ecs.SDInProgress, ecs.At(now)
			n.monitors(ecs.MonitorActive)
		case ecs.SDInProgress:
			switch {
			case t == nil:
				n.stop(ReasonSuperseded, now)
			case t.RolloutState == ecs.RolloutCompleted:
				sd.Status, sd.FinishedAt = ecs.SDSuccessful, ecs.At(now)
				n.monitors(ecs.MonitorComplete)
			case t.RolloutState == ecs.RolloutFailed:
				n.monitors(ecs.MonitorComplete)
				if cb := sd.DeploymentCircuitBreaker; cb != nil && cb.Status != ecs.MonitorDisabled {
					cb.Status = ecs.MonitorTriggered
				}
				if rb := rollbackPrimary(deps, t.ID); rb != nil {
					n.rollBack(rb.ID, ReasonBreakerRollbck, now)
					continue
				}
				n.stop(ReasonBreakerStopped, now)
			case t.Status != ecs.DeploymentPrimary:
				n.stop(ReasonSuperseded, now)
				n.monitors(ecs.MonitorComplete)
			}
			return
		case ecs.SDStopRequested:
			n.stop(n.StopReason, now)
			return
		case ecs.SDRollbackRequested:
			sd.Status = ecs.SDRollbackInProgress
		case ecs.SDRollbackInProgress:
			rb := find(deps, n.RollbackTo)
			switch {
			case rb == nil || (rb.Status != ecs.DeploymentPrimary && rb.RolloutState == ecs.RolloutInProgress):
				sd.Status, sd.FinishedAt, sd.StatusReason = ecs.SDRollbackFailed, ecs.At(now), ReasonSuperseded
			case rb.RolloutState == ecs.RolloutCompleted:
				sd.Status, sd.FinishedAt = ecs.SDRollbackSuccessful, ecs.At(now)
			case rb.RolloutState == ecs.RolloutFailed:
				sd.Status, sd.FinishedAt, sd.StatusReason = ecs.SDRollbackFailed, ecs.At(now), ReasonRollbackFailed
			}
			return
		default:
			return
		}
	}
}

// RequestStop records a StopServiceDeployment: ROLLBACK (to the deployment rollbackTo)
// or ABORT. It returns a new record.
func RequestStop(r *Record, stopType, rollbackTo string, now time.Time) *Record {
	n := r.clone()
	n.monitors(ecs.MonitorComplete)
	if stopType == "ABORT" {
		n.Deployment.Status, n.StopReason = ecs.SDStopRequested, ReasonStopAbort
	} else {
		n.rollBack(rollbackTo, ReasonStopRollback, now)
		n.Deployment.Status = ecs.SDRollbackRequested
	}
	n.Deployment.UpdatedAt = ecs.At(now)
	return n
}

func (n *Record) rollBack(to, reason string, now time.Time) {
	sd := &n.Deployment
	n.RollbackTo = to
	sd.Status, sd.StatusReason = ecs.SDRollbackInProgress, reason
	arn := strings.TrimSuffix(n.Revision.ServiceRevisionArn, Number(n.DeploymentID)) + Number(to)
	sd.Rollback = &ecs.ServiceDeploymentRollback{Reason: reason, StartedAt: ecs.At(now), ServiceRevisionArn: arn}
}

func (n *Record) stop(reason string, now time.Time) {
	sd := &n.Deployment
	sd.Status, sd.StoppedAt, sd.StatusReason = ecs.SDStopped, ecs.At(now), reason
}

// monitors moves the circuit breaker and alarm monitors that are on to status.
func (n *Record) monitors(status string) {
	if cb := n.Deployment.DeploymentCircuitBreaker; cb != nil && cb.Status != ecs.MonitorDisabled && cb.Status != ecs.MonitorTriggered {
		cb.Status = status
	}
	if a := n.Deployment.Alarms; a != nil && a.Status != ecs.MonitorDisabled {
		a.Status = status
	}
}
