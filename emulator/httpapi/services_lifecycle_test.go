package httpapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// The create / delete / re-create flows Terraform and the CLI waiters drive
// (/tmp/research/services-errors.md §1-3 and §8; spec §5.14).

func sxStableWaiter(e *taskEnv) *sdkecs.ServicesStableWaiter {
	return sdkecs.NewServicesStableWaiter(e.ecs, func(o *sdkecs.ServicesStableWaiterOptions) {
		o.MinDelay, o.MaxDelay = 2*time.Millisecond, 10*time.Millisecond
	})
}

func sxInactiveWaiter(e *taskEnv) *sdkecs.ServicesInactiveWaiter {
	return sdkecs.NewServicesInactiveWaiter(e.ecs, func(o *sdkecs.ServicesInactiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = 2*time.Millisecond, 10*time.Millisecond
	})
}

func TestServiceTerraformLifecycle(t *testing.T) {
	e := newServiceEnv(t)
	e.runLoop(t) // the waiters below poll in real time, as Terraform does
	e.createCluster(t, "tf")
	td := e.sxRegister(t, sxSimple("app"))
	describe := &sdkecs.DescribeServicesInput{Cluster: aws.String("tf"), Services: []string{"app"}}
	in := &sdkecs.CreateServiceInput{Cluster: aws.String("tf"), ServiceName: aws.String("app"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2), ClientToken: aws.String("terraform-1")}

	// Create, then Terraform's waitServiceActive reads ACTIVE at once.
	created := e.sxCreate(t, in)
	firstDeployment := aws.ToString(created.Deployments[0].Id)
	if s := e.service(t, "tf", "app"); aws.ToString(s.Status) != "ACTIVE" {
		t.Fatalf("status after create %q", aws.ToString(s.Status))
	}

	// Terraform retries a create with the same request (RetryWhen keeps the token):
	// the same service comes back, with no new deployment.
	e.clock.Advance(time.Second)
	again := e.sxCreate(t, in)
	switch {
	case aws.ToString(again.ServiceArn) != aws.ToString(created.ServiceArn):
		t.Errorf("retried create: arn %s", aws.ToString(again.ServiceArn))
	case len(again.Deployments) != 1 || aws.ToString(again.Deployments[0].Id) != firstDeployment:
		t.Errorf("retried create: deployments %v, want only %s", deploymentsOf(*again), firstDeployment)
	case again.CreatedAt == nil || !again.CreatedAt.Equal(testStart):
		t.Errorf("retried create: createdAt %v, want the original %v", again.CreatedAt, testStart)
	}
	// The same name with other parameters is refused.
	other := *in
	other.DesiredCount, other.ClientToken = aws.Int32(3), aws.String("terraform-2")
	_, err := e.ecs.CreateService(ctx(t), &other)
	sxAPIError(t, err, "InvalidParameterException", "Creation of service was not idempotent.", true)

	// wait_for_steady_state / `aws ecs wait services-stable`.
	if err := sxStableWaiter(e).Wait(ctx(t), describe, 5*time.Second); err != nil {
		t.Fatalf("services-stable after create: %v", err)
	}
	if s := e.service(t, "tf", "app"); s.DesiredCount != 2 || s.RunningCount != 2 {
		t.Fatalf("stable with desired %d running %d", s.DesiredCount, s.RunningCount)
	}

	// Terraform's delete: scale to 0, DeleteService, wait until INACTIVE.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("tf"), Service: aws.String("app"), DesiredCount: aws.Int32(0)})
	del := must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("tf"), Service: aws.String("app")}))
	if st := aws.ToString(del.Service.Status); st != "DRAINING" {
		t.Errorf("DeleteService answered status %q, want DRAINING", st)
	}
	list := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("tf")}))
	assertSameList(t, list.ServiceArns, nil)
	if err := sxInactiveWaiter(e).Wait(ctx(t), describe, 5*time.Second); err != nil {
		t.Fatalf("services-inactive: %v", err)
	}
	gone := e.service(t, "tf", "app")
	if aws.ToString(gone.Status) != "INACTIVE" || gone.DesiredCount != 0 || gone.RunningCount != 0 {
		t.Errorf("deleted service: status %s desired %d running %d", aws.ToString(gone.Status), gone.DesiredCount, gone.RunningCount)
	}
	for _, tk := range e.sxTasks(t, "tf", "app") {
		if aws.ToString(tk.LastStatus) != "STOPPED" {
			t.Errorf("task of the deleted service still %s", aws.ToString(tk.LastStatus))
		}
	}
	_, err = e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("tf"), Service: aws.String("app"), DesiredCount: aws.Int32(1)})
	sxAPIError(t, err, "ServiceNotActiveException", "Service was not ACTIVE.", true)
	// research §2: DeleteService force on an INACTIVE service answers 200 with the
	// service (aws-sdk-js #4189, REAL).
	if out, err := e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("tf"), Service: aws.String("app"), Force: aws.Bool(true)}); err != nil {
		t.Errorf("DeleteService force on INACTIVE: %v, want 200 with the INACTIVE service", err)
	} else if aws.ToString(out.Service.Status) != "INACTIVE" {
		t.Errorf("DeleteService force on INACTIVE: status %q", aws.ToString(out.Service.Status))
	}

	// Re-creating the name makes a new service (research §1: INACTIVE → success).
	e.clock.Advance(time.Minute)
	in.DesiredCount, in.ClientToken = aws.Int32(1), aws.String("terraform-3")
	re := e.sxCreate(t, in)
	switch {
	case aws.ToString(re.Status) != "ACTIVE":
		t.Errorf("re-created status %q", aws.ToString(re.Status))
	case aws.ToString(re.ServiceArn) != arn("service/tf/app"):
		t.Errorf("re-created arn %q", aws.ToString(re.ServiceArn))
	case len(re.Deployments) != 1 || aws.ToString(re.Deployments[0].Id) == firstDeployment:
		t.Errorf("re-created deployments %v (old %s)", deploymentsOf(*re), firstDeployment)
	case re.CreatedAt == nil || !re.CreatedAt.Equal(testStart.Add(time.Minute+time.Second)):
		t.Errorf("re-created createdAt %v", re.CreatedAt)
	case len(re.Events) != 0:
		t.Errorf("re-created service inherited events %v", eventsOf(*re))
	}
	if err := sxStableWaiter(e).Wait(ctx(t), describe, 5*time.Second); err != nil {
		t.Fatalf("services-stable after re-create: %v", err)
	}
	s := e.service(t, "tf", "app")
	if s.DesiredCount != 1 || s.RunningCount != 1 || aws.ToString(s.Status) != "ACTIVE" {
		t.Errorf("re-created: status %s desired %d running %d", aws.ToString(s.Status), s.DesiredCount, s.RunningCount)
	}
	live := sxRunning(e.sxTasks(t, "tf", "app"))
	if len(live) != 1 || aws.ToString(live[0].StartedBy) != aws.ToString(re.Deployments[0].Id) {
		t.Errorf("re-created service runs:\n%s", sxSummary(live))
	}
	list = must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("tf")}))
	assertSameList(t, list.ServiceArns, []string{arn("service/tf/app")})
}

// TestServiceDeleteWhileDraining keeps a deleted service DRAINING (its task ignores
// SIGTERM, so it stops only when the 30 s stop timeout passes on the fake clock) and
// checks what ECS refuses meanwhile.
func TestServiceDeleteWhileDraining(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, ec2Def("slow", cdef("app", 64, map[string]string{"ignore-sigterm": "true"})))
	in := &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("slow"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)}
	e.sxCreate(t, in)
	e.eventuallyService(t, "c1", "slow", "runs 2", func(s types.Service) bool { return s.RunningCount == 2 })

	del := must[*sdkecs.DeleteServiceOutput](t)(e.ecs.DeleteService(ctx(t), &sdkecs.DeleteServiceInput{Cluster: aws.String("c1"),
		Service: aws.String("slow"), Force: aws.Bool(true)}))
	if aws.ToString(del.Service.Status) != "DRAINING" || del.Service.DesiredCount != 0 {
		t.Errorf("force delete answered status %s desired %d, want DRAINING 0", aws.ToString(del.Service.Status), del.Service.DesiredCount)
	}
	e.sxEventuallyTasks(t, "c1", "slow", "asked to stop", func(ts []types.Task) bool {
		for _, tk := range ts {
			if aws.ToString(tk.DesiredStatus) != "STOPPED" {
				return false
			}
		}
		return len(ts) == 2
	})
	s := e.service(t, "c1", "slow")
	if aws.ToString(s.Status) != "DRAINING" {
		t.Fatalf("status %q while tasks stop, want DRAINING", aws.ToString(s.Status))
	}
	_, err := e.ecs.CreateService(ctx(t), in)
	sxAPIError(t, err, "InvalidParameterException", "Unable to Start a service that is still Draining.", true)
	_, err = e.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("slow"), DesiredCount: aws.Int32(1)})
	sxAPIError(t, err, "ServiceNotActiveException", "Service was not ACTIVE.", true)
	list := must[*sdkecs.ListServicesOutput](t)(e.ecs.ListServices(ctx(t), &sdkecs.ListServicesInput{Cluster: aws.String("c1")}))
	assertSameList(t, list.ServiceArns, nil)
	// The services-stable waiter fails at once on DRAINING, and on MISSING.
	start := time.Now()
	if err := sxStableWaiter(e).Wait(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"slow"}}, 3*time.Second); err == nil {
		t.Errorf("services-stable succeeded on a DRAINING service")
	}
	if err := sxStableWaiter(e).Wait(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"nope"}}, 3*time.Second); err == nil {
		t.Errorf("services-stable succeeded on a MISSING service")
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the waiter polled until its deadline instead of failing (%v)", time.Since(start))
	}

	e.sxAdvanceUntil(t, "c1", "slow", "INACTIVE", 5*time.Second, 2*time.Minute, nil, func(s types.Service) bool {
		return aws.ToString(s.Status) == "INACTIVE"
	})
	for _, tk := range e.sxTasks(t, "c1", "slow") {
		if aws.ToString(tk.LastStatus) != "STOPPED" || tk.StopCode != types.TaskStopCodeServiceSchedulerInitiated {
			t.Errorf("task of the deleted service:\n%s", sxSummary([]types.Task{tk}))
		}
	}
	re := e.sxCreate(t, in)
	if aws.ToString(re.Status) != "ACTIVE" {
		t.Errorf("re-created after INACTIVE: %q", aws.ToString(re.Status))
	}
	e.eventuallyService(t, "c1", "slow", "runs 2 again", func(s types.Service) bool { return s.RunningCount == 2 })
}
