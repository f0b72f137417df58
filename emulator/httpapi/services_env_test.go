package httpapi_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

// newServiceEnv is a task environment for services: the control loop runs whenever a
// test settles (eventuallyService, eventually, advance). Load balancers are simulated:
// targets are healthy once registered and nothing listens.
func newServiceEnv(t testing.TB, missing ...string) *taskEnv {
	t.Helper()
	return newTaskEnvConfig(t, func(c *emulator.Config) { c.LoadBalancers = emulator.LoadBalancerConfig{Simulated: true} }, missing...)
}

// runLoop runs the emulator's control loop in the background, as `ecsmini up` does, for
// tests that drive it the way a client with a real-time waiter would (Terraform's
// wait_for_steady_state); Settle still works beside it.
func (e *taskEnv) runLoop(t testing.TB) {
	t.Helper()
	runCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.emu.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("emulator.Run: %v", err)
		}
	})
}

// service describes one service, failing the test if it is missing.
func (e *taskEnv) service(t testing.TB, cluster, name string) types.Service {
	t.Helper()
	out, err := e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{name}})
	if err != nil {
		t.Fatalf("DescribeServices: %v", err)
	}
	if len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %+v", name, out.Failures)
	}
	return out.Services[0]
}

// eventuallyService polls the service until cond holds.
func (e *taskEnv) eventuallyService(t testing.TB, cluster, name, what string, cond func(types.Service) bool) types.Service {
	t.Helper()
	e.settle(t)
	s := e.service(t, cluster, name)
	if !cond(s) {
		t.Fatalf("service %s does not %s once settled: status %s desired %d running %d pending %d deployments %+v events %v",
			name, what, aws.ToString(s.Status), s.DesiredCount, s.RunningCount, s.PendingCount, deploymentsOf(s), eventsOf(s))
	}
	return s
}

func deploymentsOf(s types.Service) []string {
	var out []string
	for _, d := range s.Deployments {
		out = append(out, aws.ToString(d.Id)+" "+aws.ToString(d.Status)+" "+string(d.RolloutState)+" "+aws.ToString(d.TaskDefinition))
	}
	return out
}

func eventsOf(s types.Service) []string {
	var out []string
	for _, ev := range s.Events {
		out = append(out, aws.ToString(ev.Message))
	}
	return out
}

// stable is the condition `aws ecs wait services-stable` checks.
func stable(s types.Service) bool {
	return len(s.Deployments) == 1 && s.RunningCount == s.DesiredCount
}
