package emulator

import (
	"context"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// An Express service's record is journaled with the rest of the state: after a
// restart it is described as before, with its configuration and endpoint.
func TestExpressServiceSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	fake := clock.NewFake(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))
	open := func() *Emulator {
		e, err := New(Config{StateDir: dir, Clock: fake, LoadBalancers: LoadBalancerConfig{Simulated: true}})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	ctx := context.Background()
	e := open()
	out, err := e.CreateExpressGatewayService(ctx, &ecs.CreateExpressGatewayServiceInput{InfrastructureRoleArn: "arn:aws:iam::000000000000:role/infra",
		ServiceName: "api", PrimaryContainer: &ecs.ExpressGatewayContainer{Image: "api:1", ContainerPort: ecs.Ptr(8080)}})
	if err != nil {
		t.Fatal(err)
	}
	want := out.Service.ActiveConfigurations[0]
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e = open()
	defer e.Close()
	got, err := e.DescribeExpressGatewayService(ctx, &ecs.ExpressGatewayServiceRef{ServiceArn: out.Service.ServiceArn})
	if err != nil {
		t.Fatal(err)
	}
	c := got.Service.ActiveConfigurations
	if got.Service.Status.StatusCode != ecs.ExpressActive || len(c) != 1 || c[0].TaskDefinitionArn != want.TaskDefinitionArn ||
		*c[0].PrimaryContainer.ContainerPort != 8080 || c[0].IngressPaths[0].Endpoint != want.IngressPaths[0].Endpoint {
		t.Fatalf("after a restart %+v, want %+v", got.Service, want)
	}
}
