package scheduler

import (
	"fmt"
	"strings"
)

// EventKind is what a service event reports. Code that reacts to events (the problem
// conditions, the EventBridge mapping) switches on the kind; only Message renders text.
type EventKind int

// Service event kinds (spec §5.9).
const (
	EventStarted             EventKind = iota + 1 // tasks started (Tasks, Replaced)
	EventStopped                                  // running tasks stopped (Tasks)
	EventSteady                                   // the service reached a steady state
	EventDeploymentCompleted                      // Deployment completed
	EventDeploymentFailed                         // Deployment failed: tasks failed to start
	EventRollingBack                              // rolling back to Deployment
	EventUnhealthy                                // Tasks[0] replaced for failed health checks
	EventThrottled                                // launches throttled: unable to start tasks consistently
	EventStalled                                  // min/max percent leave no room to move
	EventProtected                                // protected tasks keep scale-in from finishing
	EventUnplaceable                              // a task could not be placed (Placement)
	EventDraining                                 // Count targets began draining
	EventDeregistered                             // Count targets deregistered from TargetGroup
	EventRegistered                               // Count targets registered in TargetGroup
)

// Placement failure codes beyond ec2sim's ("RESOURCE:CPU", "RESOURCE:MEMORY",
// "RESOURCE:PORTS", "AGENT", "ATTRIBUTE", "RESOURCE:ENI", or a constraint's text).
const (
	PlaceNoInstances     = "NO_INSTANCES"       // the cluster has no container instance
	PlaceFargateCapacity = "FARGATE_CAPACITY"   // Fargate Spot has no capacity
	PlaceVCPULimit       = "FARGATE_VCPU_QUOTA" // the account's Fargate vCPU quota is reached
	PlaceNoTaskDef       = "NO_TASK_DEFINITION" // the deployment's task definition is gone
)

// Event is one service event, typed. Fields beyond Kind and Service are set as the kind
// needs them.
type Event struct {
	Kind       EventKind
	Service    string
	Tasks      []string // task IDs
	Deployment string
	Replaced   int // started tasks that replace unhealthy ones
	Count      int // targets
	// TargetGroup is the ELB target group ARN (registered/deregistered targets; a task
	// unhealthy in a target group, for which InTargetGroup is set).
	TargetGroup   string
	InTargetGroup bool
	// Placement is the failure code of an EventUnplaceable; Closest the container
	// instance ARN that came closest, for EC2 codes.
	Placement string
	Closest   string
}

// Condition says whether the event reports a problem that lasts: ECS writes it once
// while its cause lasts and again only after a while (spec §5.9).
func (e Event) Condition() bool {
	switch e.Kind {
	case EventThrottled, EventStalled, EventProtected, EventUnplaceable:
		return true
	}
	return false
}

// Message is the event in ECS's wording, as DescribeServices lists it.
func (e Event) Message() string {
	s := e.Service
	switch e.Kind {
	case EventStarted:
		msg := fmt.Sprintf("(service %s) has started %d tasks: %s.", s, len(e.Tasks), taskList(e.Tasks))
		if replaced := min(e.Replaced, len(e.Tasks)); replaced > 0 {
			msg += fmt.Sprintf(" Amazon ECS replaced %d tasks due to an unhealthy status.", replaced)
		}
		return msg
	case EventStopped:
		return fmt.Sprintf("(service %s) has stopped %d running tasks: %s.", s, len(e.Tasks), taskList(e.Tasks))
	case EventSteady:
		return fmt.Sprintf("(service %s) has reached a steady state.", s)
	case EventDeploymentCompleted:
		return fmt.Sprintf("(service %s) (deployment %s) deployment completed.", s, e.Deployment)
	case EventDeploymentFailed:
		return fmt.Sprintf("(service %s) (deployment %s) deployment failed: tasks failed to start.", s, e.Deployment)
	case EventRollingBack:
		return fmt.Sprintf("(service %s) rolling back to deployment %s.", s, e.Deployment)
	case EventUnhealthy:
		if e.InTargetGroup {
			return fmt.Sprintf("(service %s) (task %s) is unhealthy in (target-group %s) due to (reason Health checks failed).", s, first(e.Tasks), e.TargetGroup)
		}
		return fmt.Sprintf("(service %s) (task %s) failed container health checks.", s, first(e.Tasks))
	case EventThrottled:
		return fmt.Sprintf("(service %s) is unable to consistently start tasks successfully.", s)
	case EventStalled:
		return fmt.Sprintf("service %s was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.", s)
	case EventProtected:
		// ECS names the task set it scales; ecsmini's deployments are its task sets.
		return fmt.Sprintf("service %s was unable to reach steady state because task set %s was unable to scale in. Reason: The number of protected tasks are more than the desired count of tasks.", s, e.Deployment)
	case EventUnplaceable:
		return e.placementMessage()
	case EventDraining:
		return fmt.Sprintf("(service %s) has begun draining connections on %d tasks.", s, e.Count)
	case EventDeregistered:
		return fmt.Sprintf("(service %s) deregistered %d targets in (target-group %s)", s, e.Count, e.TargetGroup)
	case EventRegistered:
		return fmt.Sprintf("(service %s) registered %d targets in (target-group %s)", s, e.Count, e.TargetGroup)
	}
	return fmt.Sprintf("(service %s) event %d", s, e.Kind)
}

// placementMessage is the event for a task that could not be placed (spec §5.9).
func (e Event) placementMessage() string {
	switch e.Placement {
	case PlaceFargateCapacity:
		return "(service " + e.Service + ") was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone."
	case PlaceVCPULimit:
		return "(service " + e.Service + ") was unable to place a task. Reason: " + VCPULimitMessage + "."
	case PlaceNoTaskDef:
		return "(service " + e.Service + ") was unable to place a task. Reason: TaskDefinition not found."
	}
	head := "(service " + e.Service + ") was unable to place a task because no container instance met all of its requirements."
	id := e.Closest[strings.LastIndexByte(e.Closest, '/')+1:]
	switch e.Placement {
	case PlaceNoInstances:
		return head + " Reason: No Container Instances were found in your cluster."
	case "RESOURCE:CPU":
		return head + " The closest matching (container-instance " + id + ") has insufficient CPU units available."
	case "RESOURCE:MEMORY":
		return head + " The closest matching (container-instance " + id + ") has insufficient memory available."
	case "RESOURCE:PORTS", "RESOURCE:PORTS_UDP":
		return head + " The closest matching container-instance is already using a port required by your task."
	case "AGENT":
		return head + " The closest matching (container-instance " + id + ") encountered error \"AGENT\"."
	case "ATTRIBUTE":
		return head + " The closest matching (container-instance " + id + ") is missing an attribute required by your task."
	case "RESOURCE:ENI":
		return head + " The closest matching (container-instance " + id + ") has insufficient free network interfaces available."
	}
	return head + " Reason: " + e.Placement + "."
}

// VCPULimitMessage is the reason ECS gives when a Fargate vCPU quota is reached.
const VCPULimitMessage = "You've reached the limit on the number of vCPUs you can run concurrently"

func first(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}
