package tui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Detail types the dashboard summarises (EventBridge "detail-type").
const (
	taskStateChange       = "ECS Task State Change"
	serviceAction         = "ECS Service Action"
	deploymentStateChange = "ECS Deployment State Change"
	instanceStateChange   = "ECS Container Instance State Change"
	healthEvent           = "AWS Health Event"
	eventsDropped         = "ecsmini Events Dropped"
	// serviceEvent marks a service's own events (DescribeServices' events array),
	// merged into the event list.
	serviceEvent = "Service Event"
)

// envelope is the part of an EventBridge event the dashboard reads.
type envelope struct {
	DetailType string          `json:"detail-type"`
	Time       string          `json:"time"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// detail holds the fields of every detail type the dashboard summarises; each type
// fills some of them.
type detail struct {
	TaskArn          string `json:"taskArn"`
	ClusterArn       string `json:"clusterArn"`
	Group            string `json:"group"`
	LastStatus       string `json:"lastStatus"`
	DesiredStatus    string `json:"desiredStatus"`
	StopCode         string `json:"stopCode"`
	StoppedReason    string `json:"stoppedReason"`
	CapacityProvider string `json:"capacityProviderName"`
	EventName        string `json:"eventName"`
	EventType        string `json:"eventType"`
	Reason           string `json:"reason"`
	DeploymentID     string `json:"deploymentId"`
	EC2InstanceID    string `json:"ec2InstanceId"`
	Status           string `json:"status"`
	EventTypeCode    string `json:"eventTypeCode"`
	StartTime        string `json:"startTime"`
	Dropped          int    `json:"dropped"`
	AffectedEntities []struct {
		EntityValue string `json:"entityValue"`
	} `json:"affectedEntities"`
	Containers []struct {
		Name     string `json:"name"`
		ExitCode *int   `json:"exitCode"`
	} `json:"containers"`
}

// ParseEvent reads one event as ecsmini's event stream (GET /_ecsmini/events) writes
// it: an EventBridge envelope, one JSON object a line.
func ParseEvent(line []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return Event{}, fmt.Errorf("event: %w", err)
	}
	var d detail
	if len(env.Detail) > 0 {
		if err := json.Unmarshal(env.Detail, &d); err != nil {
			return Event{}, fmt.Errorf("event %s: detail: %w", env.DetailType, err)
		}
	}
	ev := Event{DetailType: env.DetailType}
	ev.Time, _ = time.Parse(time.RFC3339, env.Time) // EventBridge's format; zero if odd
	if len(env.Resources) > 0 {
		ev.Resource = shortResource(env.Resources[0])
	}
	ev.Cluster = Name(d.ClusterArn)
	ev.Summary = summarize(env.DetailType, &d, &ev)
	switch env.DetailType {
	case taskStateChange:
		ev.State = d.LastStatus + "→" + d.DesiredStatus
	case instanceStateChange:
		ev.State = d.Status
	default:
		ev.State = d.EventName
	}
	return ev, nil
}

// Line is the event as one plain line, for logs and CI output:
// "10:00:05 task       task 5f2b6480  RUNNING service:web on FARGATE".
func (e Event) Line() string {
	kind := eventKinds[e.DetailType]
	if kind == "" {
		kind = e.DetailType
	}
	return fmt.Sprintf("%s %-10s %-24s %s", e.Time.UTC().Format("15:04:05"), kind, briefResource(e.Resource), e.Summary)
}

// summarize says in one line what an event tells.
func summarize(detailType string, d *detail, ev *Event) string {
	switch detailType {
	case taskStateChange:
		s := d.LastStatus
		if d.DesiredStatus != "" && d.DesiredStatus != d.LastStatus {
			s += "→" + d.DesiredStatus
		}
		if d.Group != "" {
			s += " " + d.Group
		}
		if d.CapacityProvider != "" {
			s += " on " + d.CapacityProvider
		}
		if d.StopCode != "" {
			s += " " + d.StopCode
		}
		for _, c := range d.Containers {
			if c.ExitCode != nil {
				s += fmt.Sprintf(" %s exit %d", c.Name, *c.ExitCode)
			}
		}
		if d.StoppedReason != "" {
			s += ": " + d.StoppedReason
		}
		return s
	case serviceAction, deploymentStateChange:
		s := d.EventName
		if d.DeploymentID != "" {
			s += " " + d.DeploymentID
		}
		if d.Reason != "" {
			s += ": " + d.Reason
		}
		return s
	case instanceStateChange:
		return strings.TrimSpace(d.EC2InstanceID + " " + d.Status)
	case healthEvent:
		if t, err := time.Parse(time.RFC1123, d.StartTime); err == nil {
			ev.RetireAt = t.UTC()
		}
		for _, e := range d.AffectedEntities {
			ev.Entities = append(ev.Entities, e.EntityValue)
		}
		s := d.EventTypeCode
		if !ev.RetireAt.IsZero() {
			s += " at " + ev.RetireAt.Format("2006-01-02 15:04")
		}
		return s + " for " + strings.Join(ev.Entities, ", ")
	case eventsDropped:
		return fmt.Sprintf("%d events dropped: the dashboard fell behind", d.Dropped)
	}
	return ""
}

// shortResource drops an ARN's prefix: task/cluster/id, service/cluster/name.
func shortResource(arn string) string {
	if i := strings.LastIndexByte(arn, ':'); i >= 0 && strings.HasPrefix(arn, "arn:") {
		return arn[i+1:]
	}
	return arn
}
