package strategy

import (
	"math"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The strategies and enumerations of the model (DeploymentStrategy,
// DeploymentLifecycleHookStage, DeploymentLifecycleHookTargetType,
// DeploymentLifecycleHookAction).
const (
	Rolling   = "ROLLING"
	BlueGreen = "BLUE_GREEN"
	Linear    = "LINEAR"
	Canary    = "CANARY"
)

var (
	enumStrategy   = ecs.Enum{Shape: "DeploymentStrategy", Values: []string{Rolling, BlueGreen, Linear, Canary}}
	enumHookStage  = ecs.Enum{Shape: "DeploymentLifecycleHookStage", Values: []string{StageReconcile, StagePreScaleUp, StagePostScaleUp, StageTestShift, StagePostTestShift, HookPreProductionShift, StageProductionShift, StagePostProductionShift}}
	enumTargetType = ecs.Enum{Shape: "DeploymentLifecycleHookTargetType", Values: []string{"AWS_LAMBDA", "PAUSE"}}
	enumHookAction = ecs.Enum{Shape: "DeploymentLifecycleHookAction", Values: []string{"ROLLBACK", "CONTINUE"}}
)

// Of is the strategy a configuration names, ROLLING when none.
func Of(dc *ecs.DeploymentConfiguration) string {
	if dc == nil || dc.Strategy == "" {
		return Rolling
	}
	return dc.Strategy
}

// Shifts reports whether a strategy runs green beside blue and shifts traffic.
func Shifts(strategy string) bool { return strategy != "" && strategy != Rolling }

// Validate checks the strategy fields of a deployment configuration (after an update
// merged them) and the advancedConfiguration of the service's load balancers. daemon
// is true for the DAEMON scheduling strategy, which only rolls.
func Validate(dc *ecs.DeploymentConfiguration, lbs []ecs.LoadBalancer, daemon bool) error {
	s := Of(dc)
	if !enumStrategy.Has(s) {
		return ecs.InvalidParameter("Invalid strategy '%s'. Valid values: %s.", s, enumStrategy.List())
	}
	if daemon && s != Rolling {
		return ecs.InvalidParameter("The daemon scheduling strategy supports the ROLLING deployment strategy only.")
	}
	if dc != nil {
		if err := checkTimes(dc, s); err != nil {
			return err
		}
		for _, h := range dc.LifecycleHooks {
			if err := checkHook(h); err != nil {
				return err
			}
		}
		if len(dc.LifecycleHooks) > 0 && s == Rolling {
			return ecs.InvalidParameter("lifecycleHooks are supported only with the BLUE_GREEN, LINEAR and CANARY deployment strategies.")
		}
	}
	for _, lb := range lbs {
		if err := checkAdvanced(lb.AdvancedConfiguration); err != nil {
			return err
		}
	}
	return nil
}

func checkTimes(dc *ecs.DeploymentConfiguration, s string) error {
	if b := dc.BakeTimeInMinutes; b != nil && (*b < 0 || *b > 1440) {
		return ecs.InvalidParameter("bakeTimeInMinutes must be between 0 and 1440.")
	}
	if s == BlueGreen && dc.BakeTimeInMinutes == nil {
		return ecs.InvalidParameter("bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.")
	}
	if l := dc.LinearConfiguration; l != nil {
		if s != Linear {
			return ecs.InvalidParameter("linearConfiguration is valid only with the LINEAR deployment strategy.")
		}
		if p := l.StepPercent; p != nil && (*p < 3 || *p > 100 || !tenth(*p)) {
			return ecs.InvalidParameter("stepPercent must be a multiple of 0.1 between 3.0 and 100.0.")
		}
		if m := l.StepBakeTimeInMinutes; m != nil && (*m < 0 || *m > 1440) {
			return ecs.InvalidParameter("stepBakeTimeInMinutes must be between 0 and 1440.")
		}
	}
	if c := dc.CanaryConfiguration; c != nil {
		if s != Canary {
			return ecs.InvalidParameter("canaryConfiguration is valid only with the CANARY deployment strategy.")
		}
		if p := c.CanaryPercent; p != nil && (*p < 0.1 || *p > 100 || !tenth(*p)) {
			return ecs.InvalidParameter("canaryPercent must be a multiple of 0.1 between 0.1 and 100.0.")
		}
		if m := c.CanaryBakeTimeInMinutes; m != nil && (*m < 0 || *m > 1440) {
			return ecs.InvalidParameter("canaryBakeTimeInMinutes must be between 0 and 1440.")
		}
	}
	return nil
}

// tenth reports whether p is a multiple of 0.1 (within float rounding).
func tenth(p float64) bool { return math.Abs(p*10-math.Round(p*10)) < 1e-6 }

func checkHook(h ecs.DeploymentLifecycleHook) error {
	t := h.TargetType
	if t == "" {
		t = "AWS_LAMBDA"
	}
	if !enumTargetType.Has(t) {
		return ecs.InvalidParameter("Invalid targetType '%s'. Valid values: %s.", t, enumTargetType.List())
	}
	if t == "AWS_LAMBDA" && h.HookTargetArn == "" {
		return ecs.InvalidParameter("hookTargetArn can not be blank.")
	}
	if len(h.LifecycleStages) == 0 {
		return ecs.InvalidParameter("lifecycleStages can not be empty.")
	}
	for _, st := range h.LifecycleStages {
		if !enumHookStage.Has(st) {
			return ecs.InvalidParameter("Invalid lifecycleStage '%s'. Valid values: %s.", st, enumHookStage.List())
		}
		// The model: PAUSE hooks cannot be configured at TEST_TRAFFIC_SHIFT or
		// PRODUCTION_TRAFFIC_SHIFT (the message is ecsmini's).
		if t == TargetPause && (st == StageTestShift || st == StageProductionShift) {
			return ecs.InvalidParameter("PAUSE lifecycle hooks cannot be configured at lifecycle stage %s.", st)
		}
	}
	if tc := h.TimeoutConfiguration; tc != nil {
		if m := tc.TimeoutInMinutes; m != nil && (*m < 1 || *m > 20160) {
			return ecs.InvalidParameter("timeoutInMinutes must be between 1 and 20160.")
		}
		if tc.Action != "" && !enumHookAction.Has(tc.Action) {
			return ecs.InvalidParameter("Invalid action '%s'. Valid values: %s.", tc.Action, enumHookAction.List())
		}
	}
	return nil
}

func checkAdvanced(a *ecs.AdvancedConfiguration) error {
	switch {
	case a == nil:
		return nil
	case a.AlternateTargetGroupArn == "":
		return ecs.InvalidParameter("advancedConfiguration.alternateTargetGroupArn can not be blank.")
	case a.ProductionListenerRule == "":
		return ecs.InvalidParameter("advancedConfiguration.productionListenerRule can not be blank.")
	}
	return nil
}
