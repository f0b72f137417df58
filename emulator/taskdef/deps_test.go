package taskdef

import (
	"strconv"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func itoa(i int) string { return strconv.Itoa(i) }

func dep(name, cond string) ecs.ContainerDependency {
	return ecs.ContainerDependency{ContainerName: name, Condition: cond}
}

func healthy() *ecs.HealthCheck { return &ecs.HealthCheck{Command: []string{"CMD", "true"}} }

func TestDependsOnRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"missing target", ec2Input, func(in *input) { app(in).DependsOn = []ecs.ContainerDependency{dep("sidecar-container", "START")} },
			"Cannot depend on container + 'sidecar-container' because it does not exist"},
		{"self", ec2Input, func(in *input) { app(in).DependsOn = []ecs.ContainerDependency{dep("app", "START")} }, "A container cannot depend on itself."},
		{"bad condition", ec2Input, func(in *input) {
			sidecar(in)
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "RUNNING")}
		}, "Invalid dependsOn condition 'RUNNING'"},
		{"complete on essential", ec2Input, func(in *input) {
			sidecar(in)
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "COMPLETE")}
		}, msgDependEssential},
		{"success on essential", ec2Input, func(in *input) {
			sidecar(in)
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "SUCCESS")}
		}, msgDependEssential},
		{"healthy without health check", ec2Input, func(in *input) {
			sidecar(in)
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "HEALTHY")}
		}, msgDependHealthy},
		{"cycle", ec2Input, func(in *input) {
			sidecar(in)
			sidecar(in).Name = ecs.Ptr("third")
			app(in).DependsOn = []ecs.ContainerDependency{dep("side", "START")}
			in.ContainerDefinitions[1].DependsOn = []ecs.ContainerDependency{dep("third", "START")}
			in.ContainerDefinitions[2].DependsOn = []ecs.ContainerDependency{dep("app", "START")}
		}, "Container dependencies form a cycle: app -> side -> third -> app."},
	})
}

func TestDependsOnAllowed(t *testing.T) {
	in := ec2Input()
	sidecar(in).Essential = ecs.Ptr(false)
	db := sidecar(in)
	db.Name = ecs.Ptr("db")
	db.HealthCheck = healthy()
	app(in).DependsOn = []ecs.ContainerDependency{dep("side", "SUCCESS"), dep("db", "HEALTHY")}
	in.ContainerDefinitions[1].DependsOn = []ecs.ContainerDependency{dep("db", "START")}
	mustBuild(t, in)
}

func TestHealthCheckRules(t *testing.T) {
	withHC := func(mut func(*ecs.HealthCheck)) func(*input) {
		return func(in *input) {
			hc := healthy()
			mut(hc)
			app(in).HealthCheck = hc
		}
	}
	runRules(t, []ruleCase{
		{"command", ec2Input, withHC(func(h *ecs.HealthCheck) { h.Command = nil }), "healthCheck.command should not be null or empty."},
		{"interval low", ec2Input, withHC(func(h *ecs.HealthCheck) { h.Interval = ecs.Ptr(4) }), "healthCheck.interval must be between 5 and 300."},
		{"interval high", ec2Input, withHC(func(h *ecs.HealthCheck) { h.Interval = ecs.Ptr(301) }), "healthCheck.interval must be between 5 and 300."},
		{"timeout", ec2Input, withHC(func(h *ecs.HealthCheck) { h.Timeout = ecs.Ptr(1) }), "healthCheck.timeout must be between 2 and 60."},
		{"retries", ec2Input, withHC(func(h *ecs.HealthCheck) { h.Retries = ecs.Ptr(11) }), "healthCheck.retries must be between 1 and 10."},
		{"startPeriod", ec2Input, withHC(func(h *ecs.HealthCheck) { h.StartPeriod = ecs.Ptr(301) }), "healthCheck.startPeriod must be between 0 and 300."},
	})
}
