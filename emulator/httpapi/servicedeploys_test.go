package httpapi_test

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// The service deployment API (ListServiceDeployments, DescribeServiceDeployments,
// DescribeServiceRevisions, StopServiceDeployment) follows the deployments that
// DescribeServices shows.

// sdList lists a service's deployments, newest first.
func (e *taskEnv) sdList(t testing.TB, in *sdkecs.ListServiceDeploymentsInput) []types.ServiceDeploymentBrief {
	t.Helper()
	out, err := e.ecs.ListServiceDeployments(ctx(t), in)
	if err != nil {
		t.Fatalf("ListServiceDeployments: %v", err)
	}
	return out.ServiceDeployments
}

// sdDescribe describes one service deployment.
func (e *taskEnv) sdDescribe(t testing.TB, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := e.ecs.DescribeServiceDeployments(ctx(t), &sdkecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil || len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments %s: %v %+v", arn, err, out)
	}
	return out.ServiceDeployments[0]
}

// sdFor finds the service deployment whose target revision is deployment id (ecs-svc/N),
// as Terraform's wait_for_steady_state does.
func (e *taskEnv) sdFor(t testing.TB, cluster, service, id string) types.ServiceDeployment {
	t.Helper()
	num := id[strings.LastIndexByte(id, '/')+1:]
	for _, b := range e.sdList(t, &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String(cluster), Service: aws.String(service)}) {
		if strings.HasSuffix(aws.ToString(b.TargetServiceRevisionArn), "/"+num) {
			return e.sdDescribe(t, aws.ToString(b.ServiceDeploymentArn))
		}
	}
	t.Fatalf("no service deployment targets %s", id)
	return types.ServiceDeployment{}
}

func TestServiceDeploymentsRollingUpdate(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("web"))
	v2 := e.sxRegister(t, sxSimple("web"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(2),
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}})
	first := e.sdList(t, &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("c1"), Service: aws.String("web")})
	if len(first) != 1 || first[0].Status != types.ServiceDeploymentStatusPending || first[0].StartedAt != nil {
		t.Fatalf("right after CreateService: %+v, want one PENDING deployment", first)
	}
	d1 := aws.ToString(e.sxSteady(t, "c1", "web").Deployments[0].Id)
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	d2 := aws.ToString(up.Deployments[0].Id)
	if sd := e.sdFor(t, "c1", "web", d2); sd.Status != types.ServiceDeploymentStatusPending {
		t.Errorf("right after UpdateService: %s, want PENDING", sd.Status)
	}
	e.settle(t)
	sd := e.sdFor(t, "c1", "web", d2)
	if sd.Status != types.ServiceDeploymentStatusInProgress || sd.StartedAt == nil || sd.FinishedAt != nil {
		t.Errorf("once the rollout runs: %s startedAt %v, want IN_PROGRESS, started", sd.Status, sd.StartedAt)
	}
	if cb := sd.DeploymentCircuitBreaker; cb == nil || cb.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring || cb.Threshold != 3 {
		t.Errorf("circuit breaker %+v, want MONITORING with threshold 3", cb)
	}
	e.sxAdvanceUntil(t, "c1", "web", "completes", 5*time.Second, 10*time.Minute, nil, func(s types.Service) bool {
		return stable(s) && aws.ToString(s.Deployments[0].Id) == d2 && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
	})
	sd = e.sdFor(t, "c1", "web", d2)
	svcARN := arn("service/c1/web")
	rev1, rev2 := arn("service-revision/c1/web/"+d1[len("ecs-svc/"):]), arn("service-revision/c1/web/"+d2[len("ecs-svc/"):])
	switch {
	case sd.Status != types.ServiceDeploymentStatusSuccessful || sd.FinishedAt == nil:
		t.Errorf("after the rollout: %s finishedAt %v, want SUCCESSFUL", sd.Status, sd.FinishedAt)
	case aws.ToString(sd.ServiceArn) != svcARN || aws.ToString(sd.ClusterArn) != arn("cluster/c1"):
		t.Errorf("service %s cluster %s", aws.ToString(sd.ServiceArn), aws.ToString(sd.ClusterArn))
	case !strings.HasPrefix(aws.ToString(sd.ServiceDeploymentArn), arn("service-deployment/c1/web/")):
		t.Errorf("serviceDeploymentArn %s", aws.ToString(sd.ServiceDeploymentArn))
	case aws.ToString(sd.TargetServiceRevision.Arn) != rev2 || sd.TargetServiceRevision.RunningTaskCount != 2:
		t.Errorf("target %+v, want %s running 2", sd.TargetServiceRevision, rev2)
	case len(sd.SourceServiceRevisions) != 1 || aws.ToString(sd.SourceServiceRevisions[0].Arn) != rev1 ||
		sd.SourceServiceRevisions[0].RunningTaskCount != 0:
		t.Errorf("sources %+v, want %s drained", sd.SourceServiceRevisions, rev1)
	case sd.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete:
		t.Errorf("breaker %s", sd.DeploymentCircuitBreaker.Status)
	case sd.DeploymentConfiguration == nil || aws.ToInt32(sd.DeploymentConfiguration.MaximumPercent) != 200:
		t.Errorf("deploymentConfiguration %+v", sd.DeploymentConfiguration)
	}
	all := e.sdList(t, &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("c1"), Service: aws.String("web")})
	if len(all) != 2 || aws.ToString(all[0].TargetServiceRevisionArn) != rev2 || all[1].Status != types.ServiceDeploymentStatusSuccessful {
		t.Errorf("list %+v, want the update first, both SUCCESSFUL", all)
	}
	revs, err := e.ecs.DescribeServiceRevisions(ctx(t), &sdkecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{rev2, rev1, arn("service-revision/c1/web/1")}})
	if err != nil {
		t.Fatal(err)
	}
	if len(revs.ServiceRevisions) != 2 || aws.ToString(revs.ServiceRevisions[0].TaskDefinition) != v2 || aws.ToString(revs.ServiceRevisions[1].TaskDefinition) != v1 ||
		len(revs.ServiceRevisions[0].ContainerImages) != 1 || len(revs.Failures) != 1 || aws.ToString(revs.Failures[0].Reason) != "MISSING" {
		t.Errorf("DescribeServiceRevisions: %+v failures %+v", revs.ServiceRevisions, revs.Failures)
	}
}

func TestServiceDeploymentsBreakerRollback(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rollback bool
		want     types.ServiceDeploymentStatus
	}{
		{"rollback", true, types.ServiceDeploymentStatusRollbackSuccessful},
		{"no rollback", false, types.ServiceDeploymentStatusStopped},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newServiceEnv(t, sxMissingImage)
			e.createCluster(t, "c1")
			v1 := e.sxRegister(t, sxSimple("app"))
			v2 := e.sxRegister(t, sxBadDef("app", false))
			e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("app"),
				TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(1),
				DeploymentConfiguration: &types.DeploymentConfiguration{
					DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: tc.rollback}}})
			d1 := aws.ToString(e.sxSteady(t, "c1", "app").Deployments[0].Id)
			up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("app"), TaskDefinition: aws.String(v2)})
			d2 := aws.ToString(up.Deployments[0].Id)
			failed := "(service app) (deployment " + d2 + ") deployment failed: tasks failed to start."
			e.sxAdvanceUntil(t, "c1", "app", "trips the breaker", time.Second, 5*time.Minute, nil, func(s types.Service) bool {
				return sxHasEvent(s, failed)
			})
			sd := e.sdFor(t, "c1", "app", d2)
			if tc.rollback && sd.Status != types.ServiceDeploymentStatusRollbackInProgress {
				t.Errorf("while rolling back: %s, want ROLLBACK_IN_PROGRESS", sd.Status)
			}
			e.clock.Advance(31 * time.Second)
			e.settle(t)
			e.clock.Advance(41 * time.Second)
			e.settle(t)
			sd = e.sdFor(t, "c1", "app", d2)
			if sd.Status != tc.want {
				t.Fatalf("status %s (%s), want %s", sd.Status, aws.ToString(sd.StatusReason), tc.want)
			}
			if cb := sd.DeploymentCircuitBreaker; cb.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || cb.FailureCount != 3 {
				t.Errorf("breaker %s failures %d, want TRIGGERED 3", cb.Status, cb.FailureCount)
			}
			if tc.rollback {
				if rb := sd.Rollback; rb == nil || aws.ToString(rb.ServiceRevisionArn) != arn("service-revision/c1/app/"+d1[len("ecs-svc/"):]) || rb.StartedAt == nil {
					t.Errorf("rollback %+v, want to the revision of %s", rb, d1)
				}
				if sd.FinishedAt == nil {
					t.Errorf("no finishedAt")
				}
				// The deployment rolled back to keeps its own outcome.
				if old := e.sdFor(t, "c1", "app", d1); old.Status != types.ServiceDeploymentStatusSuccessful {
					t.Errorf("first deployment %s, want SUCCESSFUL", old.Status)
				}
			} else if sd.StoppedAt == nil || sd.Rollback != nil {
				t.Errorf("stoppedAt %v rollback %+v", sd.StoppedAt, sd.Rollback)
			}
		})
	}
}

func TestStopServiceDeployment(t *testing.T) {
	for _, tc := range []struct {
		stop     types.StopServiceDeploymentStopType
		want     types.ServiceDeploymentStatus
		wantTDv1 bool
	}{
		{types.StopServiceDeploymentStopTypeRollback, types.ServiceDeploymentStatusRollbackSuccessful, true},
		{types.StopServiceDeploymentStopTypeAbort, types.ServiceDeploymentStatusStopped, false},
	} {
		t.Run(string(tc.stop), func(t *testing.T) {
			t.Parallel()
			e := newServiceEnv(t)
			e.createCluster(t, "c1")
			v1 := e.sxRegister(t, sxSimple("app"))
			v2 := e.sxRegister(t, sxSimple("app"))
			e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("app"),
				TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(2)})
			d1 := aws.ToString(e.sxSteady(t, "c1", "app").Deployments[0].Id)
			first := e.sdFor(t, "c1", "app", d1)
			_, err := e.ecs.StopServiceDeployment(ctx(t), &sdkecs.StopServiceDeploymentInput{ServiceDeploymentArn: first.ServiceDeploymentArn, StopType: tc.stop})
			assertAPIError(t, err, "ConflictException", "The service deployment is in status SUCCESSFUL and can't be stopped.")
			up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("app"), TaskDefinition: aws.String(v2)})
			d2 := aws.ToString(up.Deployments[0].Id)
			e.settle(t)
			sd := e.sdFor(t, "c1", "app", d2)
			out, err := e.ecs.StopServiceDeployment(ctx(t), &sdkecs.StopServiceDeploymentInput{ServiceDeploymentArn: sd.ServiceDeploymentArn, StopType: tc.stop})
			if err != nil || aws.ToString(out.ServiceDeploymentArn) != aws.ToString(sd.ServiceDeploymentArn) {
				t.Fatalf("StopServiceDeployment: %v %+v", err, out)
			}
			if got := e.sdFor(t, "c1", "app", d2).Status; tc.wantTDv1 && got != types.ServiceDeploymentStatusRollbackRequested ||
				!tc.wantTDv1 && got != types.ServiceDeploymentStatusStopRequested {
				t.Errorf("right after the stop: %s", got)
			}
			e.clock.Advance(41 * time.Second)
			e.settle(t)
			e.clock.Advance(41 * time.Second)
			e.settle(t)
			if got := e.sdFor(t, "c1", "app", d2); got.Status != tc.want {
				t.Errorf("status %s (%s), want %s", got.Status, aws.ToString(got.StatusReason), tc.want)
			}
			s := e.service(t, "c1", "app")
			if tc.wantTDv1 && (aws.ToString(s.TaskDefinition) != v1 || !stable(s)) {
				t.Errorf("after a ROLLBACK stop the service runs %s: %v", aws.ToString(s.TaskDefinition), deploymentsOf(s))
			}
			if !tc.wantTDv1 && aws.ToString(s.TaskDefinition) != v2 {
				t.Errorf("after an ABORT the service runs %s", aws.ToString(s.TaskDefinition))
			}
		})
	}
}

func TestServiceDeploymentErrorsAndFilters(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("app"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("app"), TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(1)})
	e.sxSteady(t, "c1", "app")
	created := e.clock.Now()
	e.clock.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("app"), ForceNewDeployment: true})
		e.sxAdvanceUntil(t, "c1", "app", "completes", 5*time.Second, 10*time.Minute, nil, func(s types.Service) bool {
			return stable(s) && aws.ToString(s.Deployments[0].Id) == aws.ToString(up.Deployments[0].Id) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
		})
	}
	list := func(in *sdkecs.ListServiceDeploymentsInput) []types.ServiceDeploymentBrief {
		in.Cluster, in.Service = aws.String("c1"), aws.String(arn("service/c1/app"))
		return e.sdList(t, in)
	}
	if n := len(list(&sdkecs.ListServiceDeploymentsInput{})); n != 3 {
		t.Errorf("%d deployments, want 3", n)
	}
	if n := len(list(&sdkecs.ListServiceDeploymentsInput{CreatedAt: &types.CreatedAt{After: aws.Time(created.Add(time.Second))}})); n != 2 {
		t.Errorf("%d created after the first, want 2", n)
	}
	if n := len(list(&sdkecs.ListServiceDeploymentsInput{CreatedAt: &types.CreatedAt{Before: aws.Time(created.Add(time.Second))}})); n != 1 {
		t.Errorf("%d created before the update, want 1", n)
	}
	if n := len(list(&sdkecs.ListServiceDeploymentsInput{Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress}})); n != 0 {
		t.Errorf("%d IN_PROGRESS, want 0", n)
	}
	pages, n := collectPages(t, 10, func(token *string) ([]types.ServiceDeploymentBrief, *string, error) {
		out, err := e.ecs.ListServiceDeployments(ctx(t), &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("c1"), Service: aws.String("app"), MaxResults: aws.Int32(1), NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.ServiceDeployments, out.NextToken, nil
	})
	if len(pages) != 3 || n != 3 {
		t.Errorf("paged one at a time: %d deployments in %d pages", len(pages), n)
	}
	_, err := e.ecs.ListServiceDeployments(ctx(t), &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("c1"), Service: aws.String("nope")})
	assertAPIError(t, err, "ServiceNotFoundException", "Service not found.")
	_, err = e.ecs.ListServiceDeployments(ctx(t), &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("nope"), Service: aws.String("app")})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	missing := arn("service-deployment/c1/app/AAAAAAAAAAAAAAAAAAAAA")
	out, err := e.ecs.DescribeServiceDeployments(ctx(t), &sdkecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{missing}})
	if err != nil || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" {
		t.Errorf("missing deployment: %v %+v", err, out)
	}
	_, err = e.ecs.StopServiceDeployment(ctx(t), &sdkecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(missing)})
	assertAPIError(t, err, "ServiceDeploymentNotFoundException", "The service deployment "+missing+" does not exist.")
	first := list(&sdkecs.ListServiceDeploymentsInput{})[0]
	_, err = e.ecs.ContinueServiceDeployment(ctx(t), &sdkecs.ContinueServiceDeploymentInput{ServiceDeploymentArn: first.ServiceDeploymentArn, HookId: aws.String("h")})
	assertAPIError(t, err, "InvalidParameterException", "The lifecycle hook h is not awaiting action: the service deployment is not paused at a lifecycle hook.")
}

// TestServiceDeploymentsSurviveRestart: the records live in the store.
func TestServiceDeploymentsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() (*emulator.Emulator, *env) {
		emu, err := emulator.New(emulator.Config{Clock: clock.NewFake(testStart), StateDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(httpapi.New(emu, nil))
		e := &env{emu: emu, srv: srv}
		e.ecs = e.client("us-east-1")
		return emu, e
	}
	emu, e := open()
	e.createCluster(t, "c1")
	e.register(t, "fam")
	if _, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("s"), TaskDefinition: aws.String("fam"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatal(err)
	}
	before, err := e.ecs.ListServiceDeployments(ctx(t), &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String("c1"), Service: aws.String("s")})
	if err != nil || len(before.ServiceDeployments) != 1 {
		t.Fatalf("%v %+v", err, before)
	}
	e.srv.Close()
	if err := emu.Close(); err != nil {
		t.Fatal(err)
	}
	emu, e = open()
	defer func() { e.srv.Close(); _ = emu.Close() }()
	after, err := e.ecs.DescribeServiceDeployments(ctx(t), &sdkecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(before.ServiceDeployments[0].ServiceDeploymentArn)}})
	if err != nil || len(after.ServiceDeployments) != 1 {
		t.Fatalf("after restart: %v %+v", err, after)
	}
}
