package scheduler

import (
	"fmt"
	"strings"
)

// Placement is where one new task of a start step goes, as admission (package
// emulator/admission: host ports, Fargate quota and Spot capacity, EC2 placement)
// decided it against the cluster's state. The planner leaves Plan.Placements empty: it
// sees no instances; the services reconciler admits the start steps, puts the result in
// the plan, and then creates exactly the tasks the placements admit.
type Placement struct {
	Deployment     string
	TaskDefinition string // family:revision (an ARN prints as its last part)
	Launch         string // the launch type: FARGATE, EC2, EXTERNAL
	Provider       string // capacity provider, if the deployment has a strategy
	// Instance is the EC2 (or managed) instance ID the task is placed on; "" when it
	// runs on no simulated instance (Fargate, or EC2 in a cluster without instances).
	Instance string
	// Strategy is the placement strategy that chose the instance ("binpack memory",
	// "spread attribute:ecs.availability-zone, binpack cpu"), "" for ECS's default.
	Strategy string
	// Waits: the task is recorded but waits in PROVISIONING for capacity (an Auto
	// Scaling group's provider scaling out, Fargate Spot capacity returning).
	Waits bool
	// Failure is the placement failure code (scheduler.Place*, RESOURCE:*) of a task
	// that could not start, and Closest the container instance that came closest.
	Failure string
	Closest string
}

// String prints one placement; plan tests assert on it, e.g.
// "place web:3 on i-0abc (binpack memory)" or "place web:3 on FARGATE_SPOT".
func (p Placement) String() string {
	td := p.TaskDefinition[strings.LastIndexByte(p.TaskDefinition, '/')+1:]
	if p.Failure != "" {
		s := fmt.Sprintf("cannot place %s: %s", td, p.Failure)
		if p.Closest != "" {
			s += fmt.Sprintf(" (closest %s)", taskID(p.Closest))
		}
		return s
	}
	where := p.Instance
	switch {
	case where == "" && p.Provider != "":
		where = p.Provider
	case where == "" && p.Launch != "":
		where = p.Launch
	case where == "":
		where = "this machine"
	}
	s := "place " + td + " on " + where
	if p.Instance != "" && p.Strategy != "" {
		s += " (" + p.Strategy + ")"
	}
	if p.Waits {
		s += ", waiting for capacity"
	}
	return s
}
