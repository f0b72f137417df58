package emulator

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/fargate"
)

// costFixture is an emulator with Fargate task definitions (web: X86_64 256/512, arm:
// ARM64 1 vCPU/2 GB) and an EC2 one (ec2), and a cluster "prod" that offers FARGATE
// and FARGATE_SPOT.
func costFixture(t testing.TB) (*Emulator, *clock.Fake) {
	t.Helper()
	fake := clock.NewFake(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	e, err := New(Config{Clock: fake})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	container := []ecs.ContainerDefinition{{Name: ecs.Ptr("c"), Image: ecs.Ptr("i")}}
	for _, td := range []*ecs.RegisterTaskDefinitionInput{
		{Family: "web", NetworkMode: ecs.Ptr("awsvpc"), RequiresCompatibilities: []string{"FARGATE"},
			Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"), ContainerDefinitions: container},
		{Family: "arm", NetworkMode: ecs.Ptr("awsvpc"), RequiresCompatibilities: []string{"FARGATE"},
			Cpu: ecs.Ptr("1 vCPU"), Memory: ecs.Ptr("2GB"), ContainerDefinitions: container,
			RuntimePlatform: &ecs.RuntimePlatform{CpuArchitecture: ecs.Ptr("ARM64"), OperatingSystemFamily: ecs.Ptr("LINUX")}},
		{Family: "ec2", ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("c"), Image: ecs.Ptr("i"), Memory: ecs.Ptr(64)}}},
	} {
		if _, err := e.RegisterTaskDefinition(ctx, td); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: ecs.Ptr("prod"),
		CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"}}); err != nil {
		t.Fatal(err)
	}
	return e, fake
}

var costAWSVPC = &ecs.NetworkConfiguration{AwsvpcConfiguration: &ecs.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}

// runFor runs one task and records it as the agent would: pulled and started now.
func costRun(t testing.TB, e *Emulator, in *ecs.RunTaskInput) string {
	t.Helper()
	out, err := e.RunTask(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	now := e.cfg.Clock.Now()
	arn := out.Tasks[0].TaskArn
	if _, err := e.UpdateTask(arn, func(t *ecs.Task) error {
		t.PullStartedAt, t.PullStoppedAt, t.StartedAt = ecs.At(now), ecs.At(now), ecs.At(now)
		t.LastStatus = ecs.StatusRunning
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return arn
}

func costStop(t testing.TB, e *Emulator, arn string) {
	t.Helper()
	now := e.cfg.Clock.Now()
	if _, err := e.UpdateTask(arn, func(t *ecs.Task) error {
		t.LastStatus, t.DesiredStatus = ecs.StatusStopped, ecs.StatusStopped
		t.ExecutionStoppedAt, t.StoppedAt = ecs.At(now), ecs.At(now)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestCostReport(t *testing.T) {
	e, fake := costFixture(t)
	spot := []ecs.CapacityProviderStrategyItem{{CapacityProvider: "FARGATE_SPOT", Weight: 1}}
	// Service web: one on-demand and one Spot task, running for two hours.
	webOD := costRun(t, e, &ecs.RunTaskInput{Cluster: "prod", TaskDefinition: "web", LaunchType: "FARGATE", Group: "service:web", NetworkConfiguration: costAWSVPC})
	webSpot := costRun(t, e, &ecs.RunTaskInput{Cluster: "prod", TaskDefinition: "web", CapacityProviderStrategy: spot, Group: "service:web", NetworkConfiguration: costAWSVPC})
	// A standalone ARM task that ran 30 minutes and stopped.
	batch := costRun(t, e, &ecs.RunTaskInput{Cluster: "prod", TaskDefinition: "arm", LaunchType: "FARGATE", NetworkConfiguration: costAWSVPC})
	// An EC2 task in the default cluster.
	costRun(t, e, &ecs.RunTaskInput{TaskDefinition: "ec2"})
	fake.Advance(30 * time.Minute)
	costStop(t, e, batch)
	fake.Advance(90 * time.Minute)

	rep := e.Cost(time.Time{}, fargate.BuiltinPrices())

	const (
		webOnDemand = 0.25*0.04048 + 0.5*0.004445   // per hour
		webSpotRate = 0.25*0.012144 + 0.5*0.0013335 // per hour
		armRate     = 0.03238 + 2*0.00356
	)
	check := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("%s = %.9f, want %.9f", what, got, want)
		}
	}
	if !rep.At.Equal(fake.Now()) || rep.Currency != "USD" {
		t.Errorf("report at %v in %s", rep.At, rep.Currency)
	}
	if len(rep.Clusters) != 2 || rep.Clusters[0].Cluster != "default" || rep.Clusters[1].Cluster != "prod" {
		t.Fatalf("clusters: %+v", rep.Clusters)
	}
	def, prod := rep.Clusters[0], rep.Clusters[1]
	if def.Total.Tasks != 1 || def.Total.Cost != 0 || def.Standalone.Tasks[0].Launch != "EC2" || def.Standalone.Tasks[0].Note == "" {
		t.Errorf("default cluster: %+v", def)
	}
	if len(prod.Services) != 1 || prod.Services[0].Service != "web" || len(prod.Services[0].Tasks) != 2 {
		t.Fatalf("prod services: %+v", prod.Services)
	}
	web := prod.Services[0]
	check("web cost", web.Total.Cost, 2*(webOnDemand+webSpotRate))
	check("web per hour", web.Total.PerHour, webOnDemand+webSpotRate)
	check("web Spot savings", web.Total.SpotSavings, 2*(webOnDemand-webSpotRate))
	check("web Spot savings per hour", web.Total.SpotSavingsPer, webOnDemand-webSpotRate)
	for _, tc := range web.Tasks {
		switch tc.TaskArn {
		case webOD:
			if tc.Launch != "FARGATE" || tc.Spot {
				t.Errorf("on-demand task: %+v", tc)
			}
		case webSpot:
			if tc.Launch != "FARGATE_SPOT" || !tc.Spot {
				t.Errorf("Spot task: %+v", tc)
			}
		default:
			t.Errorf("unexpected web task %s", tc.TaskArn)
		}
		if tc.Definition != "web:1" || tc.LastStatus != "RUNNING" || !tc.Running || tc.Seconds != 7200 {
			t.Errorf("web task: %+v", tc)
		}
	}
	b := prod.Standalone
	if len(b.Tasks) != 1 || b.Tasks[0].Arch != "ARM64" || b.Tasks[0].Running || b.Tasks[0].Seconds != 1800 {
		t.Fatalf("standalone: %+v", b.Tasks)
	}
	check("standalone cost", b.Total.Cost, armRate/2)
	if b.Total.PerHour != 0 || b.Total.Running != 0 {
		t.Errorf("a stopped task adds to the run rate: %+v", b.Total)
	}
	check("total cost", rep.Total.Cost, 2*(webOnDemand+webSpotRate)+armRate/2)
	check("total per hour", rep.Total.PerHour, webOnDemand+webSpotRate)
	if rep.Total.Tasks != 4 || rep.Total.Running != 3 {
		t.Errorf("total: %+v", rep.Total)
	}
	if _, ok := rep.Prices["us-east-1"]; !ok || len(rep.Prices) != 1 {
		t.Errorf("prices used: %v", rep.Prices)
	}
}

func TestCostReportEmpty(t *testing.T) {
	e, _ := costFixture(t)
	rep := e.Cost(time.Time{}, fargate.BuiltinPrices())
	if len(rep.Clusters) != 0 || rep.Total != (CostTotal{}) {
		t.Errorf("no tasks: %+v", rep)
	}
}

// BenchmarkCost prices 1,000 running Fargate tasks of 10 task definitions.
func BenchmarkCost(b *testing.B) {
	e, _ := costFixture(b)
	ctx := context.Background()
	for i := range 10 {
		if _, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: "web", NetworkMode: ecs.Ptr("awsvpc"),
			RequiresCompatibilities: []string{"FARGATE"}, Cpu: ecs.Ptr("256"), Memory: ecs.Ptr("512"),
			ContainerDefinitions: []ecs.ContainerDefinition{{Name: ecs.Ptr("c"), Image: ecs.Ptr("i")}}}); err != nil {
			b.Fatal(err)
		}
		ten := 10
		for range 10 {
			out, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: "prod", TaskDefinition: "web:" + strconv.Itoa(i+2), Count: &ten,
				LaunchType: "FARGATE", Group: "service:s" + strconv.Itoa(i), NetworkConfiguration: costAWSVPC})
			if err != nil {
				b.Fatal(err)
			}
			if len(out.Tasks) != 10 {
				b.Fatalf("%d tasks", len(out.Tasks))
			}
		}
	}
	prices := fargate.BuiltinPrices()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if rep := e.Cost(time.Time{}, prices); rep.Total.Tasks != 1000 {
			b.Fatalf("%d tasks", rep.Total.Tasks)
		}
	}
}
