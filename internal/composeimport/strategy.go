package composeimport

import (
	"fmt"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/strategy"
)

// xDeployment is x-ecs.deployment: the deployment strategy. deploy.update_config keeps
// mapping to ROLLING's percentages; this block selects the others.
//
//	x-ecs:
//	  deployment:
//	    strategy: BLUE_GREEN | LINEAR | CANARY | ROLLING
//	    bakeTimeMinutes: 10                  # blue kept after the shift
//	    canary: {percent: 10, bakeMinutes: 5}
//	    linear: {stepPercent: 20, stepBakeMinutes: 2}
//	    hooks:
//	      - {target: arn:aws:lambda:…, stages: [POST_TEST_TRAFFIC_SHIFT], timeoutMinutes: 5, timeoutAction: ROLLBACK}
//	    alarms: {names: [web-5xx], rollback: true}
//
// With a strategy other than ROLLING, each published port's load balancer gets an
// advancedConfiguration whose alternate target group is the test listener.
type xDeployment struct {
	Strategy        string `json:"strategy"`
	BakeTimeMinutes *int   `json:"bakeTimeMinutes"`
	Canary          *struct {
		Percent     *float64 `json:"percent"`
		BakeMinutes *int     `json:"bakeMinutes"`
	} `json:"canary"`
	Linear *struct {
		StepPercent     *float64 `json:"stepPercent"`
		StepBakeMinutes *int     `json:"stepBakeMinutes"`
	} `json:"linear"`
	Hooks []struct {
		Target         string   `json:"target"`
		Stages         []string `json:"stages"`
		TimeoutMinutes *int     `json:"timeoutMinutes"`
		TimeoutAction  string   `json:"timeoutAction"`
	} `json:"hooks"`
	Alarms *struct {
		Names    []string `json:"names"`
		Rollback bool     `json:"rollback"`
	} `json:"alarms"`
}

// strategy lays x-ecs.deployment over the service's deployment configuration and
// checks it as CreateService will.
func (c *serviceConverter) strategy(in *ecs.CreateServiceInput) error {
	x := c.x.Deployment
	if x == nil {
		return nil
	}
	dc := in.DeploymentConfiguration
	if dc == nil {
		dc = &ecs.DeploymentConfiguration{}
	}
	dc.Strategy, dc.BakeTimeInMinutes = x.Strategy, x.BakeTimeMinutes
	if x.Canary != nil {
		dc.CanaryConfiguration = &ecs.CanaryConfiguration{CanaryPercent: x.Canary.Percent, CanaryBakeTimeInMinutes: x.Canary.BakeMinutes}
	}
	if x.Linear != nil {
		dc.LinearConfiguration = &ecs.LinearConfiguration{StepPercent: x.Linear.StepPercent, StepBakeTimeInMinutes: x.Linear.StepBakeMinutes}
	}
	for _, h := range x.Hooks {
		hook := ecs.DeploymentLifecycleHook{HookTargetArn: h.Target, LifecycleStages: h.Stages}
		if h.TimeoutMinutes != nil || h.TimeoutAction != "" {
			hook.TimeoutConfiguration = &ecs.HookTimeoutConfiguration{TimeoutInMinutes: h.TimeoutMinutes, Action: h.TimeoutAction}
		}
		dc.LifecycleHooks = append(dc.LifecycleHooks, hook)
	}
	if a := x.Alarms; a != nil {
		dc.Alarms = &ecs.DeploymentAlarms{Enable: true, Rollback: a.Rollback, AlarmNames: a.Names}
	}
	if strategy.Shifts(strategy.Of(dc)) {
		for i := range in.LoadBalancers {
			lb := &in.LoadBalancers[i]
			pp := c.out.Ports[i]
			alt := c.targetGroupArn(targetGroupName(c.p.Name, c.s.Name+"-test", pp.ContainerPort))
			lb.AdvancedConfiguration = &ecs.AdvancedConfiguration{AlternateTargetGroupArn: alt,
				ProductionListenerRule: strings.Replace(lb.TargetGroupArn, ":targetgroup/", ":listener-rule/app/", 1)}
		}
	}
	if err := strategy.Validate(dc, in.LoadBalancers, in.SchedulingStrategy == ecs.SchedulingDaemon); err != nil {
		return fmt.Errorf("x-ecs.deployment: %w", err)
	}
	in.DeploymentConfiguration = dc
	return nil
}
