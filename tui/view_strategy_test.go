package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const tgWeb = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1"

// canaryService is web deploying web:4 by CANARY: green is the PRIMARY deployment.
func canaryService(strategy string) *ecs.Service {
	return &ecs.Service{ServiceArn: arnPrefix + "service/default/web", ServiceName: "web", ClusterArn: arnPrefix + "cluster/default",
		Status: "ACTIVE", DesiredCount: 2, RunningCount: 4, TaskDefinition: arnPrefix + "task-definition/web:4", LaunchType: "FARGATE",
		DeploymentConfiguration: &ecs.DeploymentConfiguration{Strategy: strategy},
		LoadBalancers:           []ecs.LoadBalancer{{TargetGroupArn: tgWeb, ContainerName: "web", ContainerPort: ecs.Ptr(8080)}},
		Deployments: []ecs.Deployment{
			{ID: "ecs-svc/2222222222222222222", Status: "PRIMARY", TaskDefinition: arnPrefix + "task-definition/web:4", DesiredCount: 2, RunningCount: 2, RolloutState: "IN_PROGRESS"},
			{ID: "ecs-svc/1111111111111111111", Status: "ACTIVE", TaskDefinition: arnPrefix + "task-definition/web:3", DesiredCount: 2, RunningCount: 2, RolloutState: "COMPLETED"},
		}}
}

// taskSetService is an EXTERNAL service with its original and replacement task sets.
func taskSetService() *ecs.Service {
	return &ecs.Service{ServiceArn: arnPrefix + "service/default/web", ServiceName: "web", ClusterArn: arnPrefix + "cluster/default",
		Status: "ACTIVE", DesiredCount: 4, RunningCount: 5, PendingCount: 1, LaunchType: "FARGATE",
		DeploymentController: &ecs.DeploymentController{Type: "EXTERNAL"},
		TaskSets: []ecs.TaskSet{
			{ID: "ecs-svc/5555555555555555555", Status: "PRIMARY", TaskDefinition: arnPrefix + "task-definition/web:3", ComputedDesiredCount: 4,
				RunningCount: 4, Scale: &ecs.Scale{Value: 100, Unit: "PERCENT"}, StabilityStatus: "STEADY_STATE",
				LoadBalancers: []ecs.LoadBalancer{{TargetGroupArn: tgWeb, ContainerName: "web", ContainerPort: ecs.Ptr(8080)}}},
			{ID: "ecs-svc/6666666666666666666", Status: "ACTIVE", TaskDefinition: arnPrefix + "task-definition/web:4", ComputedDesiredCount: 2,
				RunningCount: 1, PendingCount: 1, Scale: &ecs.Scale{Value: 50, Unit: "PERCENT"}, StabilityStatus: "STABILIZING",
				LoadBalancers: []ecs.LoadBalancer{{TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-green/2"}}},
		}}
}

// TestGoldenStrategyViews renders the service screen of a service deploying by a
// traffic-shifting strategy (colours, split, stage, bake countdown) and of one with task
// sets, at both sizes.
func TestGoldenStrategyViews(t *testing.T) {
	cases := []struct {
		name     string
		svc      *ecs.Service
		rollout  *Rollout
		weights  map[string]float64
		contains []string
	}{
		{"canary-bake", canaryService("CANARY"), &Rollout{LifecycleStage: "PRODUCTION_TRAFFIC_SHIFT", BakeEnds: t0.Add(4*time.Minute + 30*time.Second)},
			map[string]float64{"ecs-svc/1111111111111111111": 80, "ecs-svc/2222222222222222222": 20},
			[]string{"CANARY", "stage PRODUCTION_TRAFFIC_SHIFT", "bake ends in 4m", "traffic blue 80% · green 20%", "green", "blue"}},
		{"blue-green-no-weights", canaryService("BLUE_GREEN"), &Rollout{LifecycleStage: "POST_SCALE_UP"}, nil,
			[]string{"BLUE_GREEN", "stage POST_SCALE_UP", "green"}},
		{"task-sets", taskSetService(), nil, nil,
			[]string{"TASK SET", "ecs-svc/5555555555555555555", "STEADY_STATE", "STABILIZING", "50%", "web-green"}},
	}
	for _, c := range cases {
		for _, sz := range []struct{ w, h int }{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s-%dx%d", c.name, sz.w, sz.h), func(t *testing.T) {
				src, act := newFake()
				snap := src.snap
				cl := &snap.Clusters[0]
				cl.Services = []*ecs.Service{c.svc}
				if c.rollout != nil {
					cl.Rollouts = map[string]Rollout{"web": *c.rollout}
				}
				if c.weights != nil {
					snap.Weights = map[string]map[string]float64{tgWeb: c.weights}
				}
				m := New(src, act, Options{Now: fixedNow, Tick: -1})
				m = drive(t, m, tea.WindowSizeMsg{Width: sz.w, Height: sz.h}, snapshotMsg{snap: snap, wall: t0})
				m = drive(t, m, keyMsgs("enter")...)
				out := m.View()
				if sz.w == 160 {
					for _, want := range c.contains {
						if !strings.Contains(out, want) {
							t.Errorf("view lacks %q:\n%s", want, out)
						}
					}
				}
				golden.RequireEqual(t, []byte(out))
			})
		}
	}
}

func TestTrafficSplit(t *testing.T) {
	for _, c := range []struct {
		weights map[string]float64
		want    string
	}{
		{nil, ""},
		{map[string]float64{"ecs-svc/1111111111111111111": 100}, "blue 100% · green 0%"},
		{map[string]float64{"ecs-svc/1111111111111111111": 3, "ecs-svc/2222222222222222222": 1}, "blue 75% · green 25%"},
		{map[string]float64{"ecs-svc/1111111111111111111": 95, "ecs-svc/2222222222222222222": 5}, "blue 95% · green 5%"},
		{map[string]float64{"ecs-svc/1111111111111111111": 97.5, "ecs-svc/2222222222222222222": 2.5}, "blue 97.5% · green 2.5%"},
		{map[string]float64{"ecs-svc/2222222222222222222": 100}, "blue 0% · green 100%"},
	} {
		m := Model{snap: &Snapshot{Weights: map[string]map[string]float64{tgWeb: c.weights}}}
		if got := m.trafficSplit(canaryService("LINEAR")); got != c.want {
			t.Errorf("weights %v: split %q, want %q", c.weights, got, c.want)
		}
	}
}

func TestShifting(t *testing.T) {
	for strategy, want := range map[string]bool{"": false, "ROLLING": false, "BLUE_GREEN": true, "LINEAR": true, "CANARY": true} {
		if got := shifting(canaryService(strategy)); got != want {
			t.Errorf("%q: shifting %v", strategy, got)
		}
	}
	if shifting(&ecs.Service{}) {
		t.Error("a service without a deployment configuration shifts")
	}
}

func TestStrategyLineBake(t *testing.T) {
	for _, c := range []struct {
		ends time.Time
		want string
	}{
		{time.Time{}, " BLUE_GREEN  stage BAKE_TIME"},
		{t0.Add(90 * time.Second), " BLUE_GREEN  bake ends in 1m30s  stage BAKE_TIME"},
		{t0.Add(-time.Second), " BLUE_GREEN  bake over  stage BAKE_TIME"},
	} {
		m := drive(t, New(&fakeSource{}, &fakeActions{}, Options{Now: fixedNow, Tick: -1}), snapshotMsg{snap: &Snapshot{Now: t0, Scale: 1}, wall: t0})
		cl := &ClusterState{Rollouts: map[string]Rollout{"web": {LifecycleStage: "BAKE_TIME", BakeEnds: c.ends}}}
		if got := m.strategyLine(cl, canaryService("BLUE_GREEN")); got != c.want {
			t.Errorf("bake ends %v: %q, want %q", c.ends, got, c.want)
		}
	}
}

// The service screen lists a strategy's test listener beside the production URL.
func TestTestListenerURL(t *testing.T) {
	alt := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-test/2"
	tests := []struct {
		name string
		adv  *ecs.AdvancedConfiguration
		lbs  map[string]string
		want []string
	}{
		{"no advanced configuration", nil, map[string]string{tgWeb: "127.0.0.1:8080"}, []string{"http://127.0.0.1:8080"}},
		{"test listener", &ecs.AdvancedConfiguration{AlternateTargetGroupArn: alt},
			map[string]string{tgWeb: "127.0.0.1:8080", alt: "127.0.0.1:8081"}, []string{"http://127.0.0.1:8080", "test http://127.0.0.1:8081"}},
		{"alternate not listening yet", &ecs.AdvancedConfiguration{AlternateTargetGroupArn: alt},
			map[string]string{tgWeb: "127.0.0.1:8080"}, []string{"http://127.0.0.1:8080"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := canaryService("CANARY")
			s.LoadBalancers[0].AdvancedConfiguration = tt.adv
			m := Model{snap: &Snapshot{LoadBalancers: tt.lbs}}
			got := append(m.serviceURLs(s), m.testURLs(s)...)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("URLs %q, want %q", got, tt.want)
			}
		})
	}
}
