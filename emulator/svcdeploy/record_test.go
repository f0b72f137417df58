package svcdeploy

import (
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func rec(status string) *Record {
	return &Record{
		Deployment: ecs.ServiceDeployment{Status: status,
			TargetServiceRevision:    &ecs.ServiceRevisionSummary{Arn: "arn:aws:ecs:r:a:service-revision/c/s/2"},
			DeploymentCircuitBreaker: &ecs.ServiceDeploymentCircuitBreaker{Status: ecs.MonitorActive},
			Alarms:                   &ecs.ServiceDeploymentAlarms{Status: ecs.MonitorDisabled}},
		Revision:     ecs.ServiceRevision{ServiceRevisionArn: "arn:aws:ecs:r:a:service-revision/c/s/2"},
		DeploymentID: "ecs-svc/2", Sources: []string{"ecs-svc/1"},
	}
}

func TestAdvance(t *testing.T) {
	now := time.Unix(1700000000, 0)
	primary := func(id, rollout string) Dep { return Dep{ID: id, Status: ecs.DeploymentPrimary, RolloutState: rollout} }
	active := func(id, rollout string) Dep { return Dep{ID: id, Status: ecs.DeploymentActive, RolloutState: rollout} }
	rollback := Dep{ID: "ecs-svc/1", Status: ecs.DeploymentPrimary, RolloutState: ecs.RolloutInProgress, Rollback: true}
	for _, tc := range []struct {
		name, from string
		rollbackTo string
		deps       []Dep
		want       string
	}{
		{"pending starts", ecs.SDPending, "", []Dep{primary("ecs-svc/2", ecs.RolloutInProgress)}, ecs.SDInProgress},
		{"pending completes at once", ecs.SDPending, "", []Dep{primary("ecs-svc/2", ecs.RolloutCompleted)}, ecs.SDSuccessful},
		{"pending superseded", ecs.SDPending, "", []Dep{primary("ecs-svc/3", ecs.RolloutInProgress), active("ecs-svc/2", ecs.RolloutInProgress)}, ecs.SDStopped},
		{"in progress stays", ecs.SDInProgress, "", []Dep{primary("ecs-svc/2", ecs.RolloutInProgress)}, ecs.SDInProgress},
		{"completes", ecs.SDInProgress, "", []Dep{primary("ecs-svc/2", ecs.RolloutCompleted)}, ecs.SDSuccessful},
		{"fails without rollback", ecs.SDInProgress, "", []Dep{primary("ecs-svc/2", ecs.RolloutFailed)}, ecs.SDStopped},
		{"fails and rolls back", ecs.SDInProgress, "", []Dep{rollback, active("ecs-svc/2", ecs.RolloutFailed)}, ecs.SDRollbackInProgress},
		{"superseded", ecs.SDInProgress, "", []Dep{primary("ecs-svc/3", ecs.RolloutInProgress), active("ecs-svc/2", ecs.RolloutInProgress)}, ecs.SDStopped},
		{"gone", ecs.SDInProgress, "", nil, ecs.SDStopped},
		{"rollback runs", ecs.SDRollbackInProgress, "ecs-svc/1", []Dep{rollback}, ecs.SDRollbackInProgress},
		{"rollback succeeds", ecs.SDRollbackInProgress, "ecs-svc/1", []Dep{primary("ecs-svc/1", ecs.RolloutCompleted)}, ecs.SDRollbackSuccessful},
		{"rollback fails", ecs.SDRollbackInProgress, "ecs-svc/1", []Dep{primary("ecs-svc/1", ecs.RolloutFailed)}, ecs.SDRollbackFailed},
		{"rollback superseded", ecs.SDRollbackInProgress, "ecs-svc/1", []Dep{primary("ecs-svc/3", ecs.RolloutInProgress), active("ecs-svc/1", ecs.RolloutInProgress)}, ecs.SDRollbackFailed},
		{"requested rollback", ecs.SDRollbackRequested, "ecs-svc/1", []Dep{rollback}, ecs.SDRollbackInProgress},
		{"requested stop", ecs.SDStopRequested, "", []Dep{primary("ecs-svc/2", ecs.RolloutFailed)}, ecs.SDStopped},
		{"terminal stays", ecs.SDSuccessful, "", []Dep{primary("ecs-svc/2", ecs.RolloutFailed)}, ecs.SDSuccessful},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rec(tc.from)
			r.RollbackTo = tc.rollbackTo
			got := Advance(r, tc.deps, now)
			if got.Deployment.Status != tc.want {
				t.Fatalf("%s → %s, want %s", tc.from, got.Deployment.Status, tc.want)
			}
			if r.Deployment.Status != tc.from {
				t.Errorf("Advance changed the stored record")
			}
			if Terminal(tc.want) && tc.want != tc.from && got.Deployment.FinishedAt == nil && got.Deployment.StoppedAt == nil {
				t.Errorf("%s without finishedAt or stoppedAt", tc.want)
			}
			if tc.want == ecs.SDRollbackInProgress && tc.from == ecs.SDInProgress &&
				(got.Deployment.Rollback == nil || got.Deployment.Rollback.ServiceRevisionArn != "arn:aws:ecs:r:a:service-revision/c/s/1") {
				t.Errorf("rollback %+v", got.Deployment.Rollback)
			}
		})
	}
}

func TestAdvanceUnchangedIsSame(t *testing.T) {
	r := rec(ecs.SDInProgress)
	deps := []Dep{{ID: "ecs-svc/2", Status: ecs.DeploymentPrimary, RolloutState: ecs.RolloutInProgress, Desired: 2}}
	r = Advance(r, deps, time.Unix(1, 0))
	if again := Advance(r, deps, time.Unix(2, 0)); again != r {
		t.Errorf("an Advance that changes nothing returned a new record")
	}
}

func TestNewID(t *testing.T) {
	a, b := NewID(), NewID()
	if len(a) != 21 || a == b {
		t.Errorf("ids %q %q", a, b)
	}
	if Number("ecs-svc/123") != "123" {
		t.Errorf("Number")
	}
}

// BenchmarkAdvance: every service pass advances the records of unfinished deployments.
func BenchmarkAdvance(b *testing.B) {
	r := rec(ecs.SDInProgress)
	deps := []Dep{{ID: "ecs-svc/2", Status: ecs.DeploymentPrimary, RolloutState: ecs.RolloutInProgress, Desired: 2},
		{ID: "ecs-svc/1", Status: ecs.DeploymentActive, RolloutState: ecs.RolloutCompleted, Running: 2}}
	now := time.Unix(1700000000, 0)
	for b.Loop() {
		Advance(r, deps, now)
	}
}
