package composeimport

import (
	"math"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// RestartMode is what happens when a service's tasks exit.
type RestartMode string

const (
	// RestartAlways is an ECS service: a stopped task is replaced (compose's always,
	// unless-stopped, any, and the default when the file says nothing).
	RestartAlways RestartMode = "always"
	// RestartOnFailure is an ECS service whose container also restarts in place on a
	// non-zero exit (the container restartPolicy).
	RestartOnFailure RestartMode = "on-failure"
	// RestartNo runs the task once with RunTask, not as a service (compose's restart
	// "no" or restart_policy condition none): a migration or a seed job.
	RestartNo RestartMode = "no"
)

// deploy maps deploy (update_config, restart_policy, mode, placement) and the x-aws
// keys of Docker's ECS integration onto the service.
func (c *serviceConverter) deploy(in *ecs.CreateServiceInput) {
	c.out.Restart = c.restartMode()
	if c.out.Restart == RestartOnFailure {
		c.cd.RestartPolicy = &ecs.ContainerRestartPolicy{Enabled: ecs.Ptr(true), IgnoredExitCodes: []int{0}}
	}
	dc := &ecs.DeploymentConfiguration{}
	if d := c.s.Deploy; d != nil {
		if d.Mode == "global" {
			if c.fargate {
				c.warn("deploy.mode", "global (one task per node) needs EC2 (DAEMON); a replica service on Fargate")
			} else {
				in.SchedulingStrategy = "DAEMON"
				in.DesiredCount = nil
			}
		}
		if u := d.UpdateConfig; u != nil {
			c.updateConfig(dc, ecs.Deref(in.DesiredCount))
		}
		if d.RollbackConfig != nil {
			c.warn("deploy.rollback_config", "ECS rolls back with the deployment circuit breaker (update_config.failure_action: rollback); ignored")
		}
		if len(d.Placement.Constraints)+len(d.Placement.Preferences) > 0 || d.Placement.MaxReplicas > 0 {
			c.warn("deploy.placement", "swarm placement does not carry over; use x-ecs placementConstraints / placementStrategy")
		}
		if d.EndpointMode != "" {
			c.warn("deploy.endpoint_mode", "services resolve to their tasks' addresses; ignored")
		}
	}
	if v, ok := intExtension(c.s.Extensions["x-aws-min_percent"]); ok {
		dc.MinimumHealthyPercent = ecs.Ptr(v)
	}
	if v, ok := intExtension(c.s.Extensions["x-aws-max_percent"]); ok {
		dc.MaximumPercent = ecs.Ptr(v)
	}
	if dc.MinimumHealthyPercent != nil || dc.MaximumPercent != nil || dc.DeploymentCircuitBreaker != nil {
		in.DeploymentConfiguration = dc
	}
}

// updateConfig maps update_config: order start-first starts up to parallelism new
// tasks before stopping old ones (maximumPercent above 100), stop-first stops up to
// parallelism old tasks first (minimumHealthyPercent below 100); failure_action
// rollback and pause turn on the circuit breaker (with and without rollback).
func (c *serviceConverter) updateConfig(dc *ecs.DeploymentConfiguration, desired int) {
	u := c.s.Deploy.UpdateConfig
	par := 1
	if u.Parallelism != nil && *u.Parallelism > 0 {
		par = int(*u.Parallelism)
	}
	n := max(desired, 1)
	step := int(math.Ceil(float64(min(par, n)) * 100 / float64(n)))
	if u.Order == "start-first" {
		dc.MinimumHealthyPercent, dc.MaximumPercent = ecs.Ptr(100), ecs.Ptr(100+step)
	} else {
		dc.MinimumHealthyPercent, dc.MaximumPercent = ecs.Ptr(max(0, 100-step)), ecs.Ptr(100)
	}
	switch u.FailureAction {
	case "rollback":
		dc.DeploymentCircuitBreaker = &ecs.DeploymentCircuitBreaker{Enable: true, Rollback: true}
	case "pause":
		dc.DeploymentCircuitBreaker = &ecs.DeploymentCircuitBreaker{Enable: true}
	}
	if time.Duration(u.Delay) != 0 {
		c.warn("deploy.update_config.delay", "ECS starts the next batch when the last one is healthy; ignored")
	}
	if time.Duration(u.Monitor) != 0 {
		c.warn("deploy.update_config.monitor", "ECS's circuit breaker decides failure; ignored")
	}
	if u.MaxFailureRatio != 0 {
		c.warn("deploy.update_config.max_failure_ratio", "ECS's circuit breaker decides failure; ignored")
	}
}

// restartMode reads restart and deploy.restart_policy (which wins, as in compose).
func (c *serviceConverter) restartMode() RestartMode {
	mode := RestartAlways
	switch c.s.Restart {
	case "no":
		mode = RestartNo
	case "on-failure":
		mode = RestartOnFailure
	}
	if d := c.s.Deploy; d != nil && d.RestartPolicy != nil {
		rp := d.RestartPolicy
		switch rp.Condition {
		case "none":
			mode = RestartNo
		case "on-failure":
			mode = RestartOnFailure
		case "any":
			mode = RestartAlways
		}
		if rp.Delay != nil {
			c.warn("deploy.restart_policy.delay", "ECS restarts at once; ignored")
		}
		if rp.MaxAttempts != nil {
			c.warn("deploy.restart_policy.max_attempts", "an ECS service replaces tasks without limit (the circuit breaker stops failing deployments); ignored")
		}
		if rp.Window != nil {
			c.warn("deploy.restart_policy.window", "ECS has no restart window; ignored")
		}
	}
	return mode
}

// finishRunOnce turns a restart "no" service into a one-off task: a RunTask of its task
// definition with the service's network, launch type and tags.
func (c *serviceConverter) finishRunOnce() {
	if c.out.Restart != RestartNo {
		return
	}
	in := c.out.Service
	c.out.Service = nil
	if len(c.out.Ports) > 0 {
		c.warn("ports", "a one-off task (restart: no) has no load balancer; not published")
		c.out.Ports = nil
	}
	if n := ecs.Deref(in.DesiredCount); n > 1 {
		c.warn("deploy.replicas", "a one-off task (restart: no) runs %d copies once", n)
	}
	c.out.RunTask = &ecs.RunTaskInput{Cluster: in.Cluster, TaskDefinition: in.TaskDefinition, Count: in.DesiredCount,
		LaunchType: in.LaunchType, CapacityProviderStrategy: in.CapacityProviderStrategy, PlatformVersion: in.PlatformVersion,
		NetworkConfiguration: in.NetworkConfiguration, PlacementConstraints: in.PlacementConstraints,
		PlacementStrategy: in.PlacementStrategy, StartedBy: "compose/" + c.s.Name, Tags: in.Tags, PropagateTags: "TASK_DEFINITION"}
}

func intExtension(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case float64:
		return int(n), true
	case uint64:
		return int(n), true
	case int64:
		return int(n), true
	}
	return 0, false
}
