package events

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Detail types (EventBridge "detail-type") ecsmini sends.
const (
	TaskStateChange              = "ECS Task State Change"
	ServiceAction                = "ECS Service Action"
	DeploymentStateChange        = "ECS Deployment State Change"
	ContainerInstanceStateChange = "ECS Container Instance State Change"
	HealthEvent                  = "AWS Health Event"
	// DetailDropped is ecsmini's own notice, in a subscriber's stream only, that the
	// subscriber fell behind and lost events; its detail is {"dropped": N}.
	DetailDropped = "ecsmini Events Dropped"
	// ExecSession is ecsmini's event for an ECS Exec session starting and ending
	// (resources: the task ARN; detail: step, container, command, exit code).
	ExecSession = "ecsmini ECS Exec Session"
)

// Sources (EventBridge "source").
const (
	SourceECS     = "aws.ecs"
	SourceHealth  = "aws.health"
	SourceEcsmini = "ecsmini"
)

// Event is one event in EventBridge's envelope. Events are values that are never
// changed once built: copies share Resources and Detail.
type Event struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"` // RFC 3339, UTC, whole seconds, as EventBridge writes it
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// New builds an event stamped at (the emulator clock's time) with a new id; detail is
// marshalled to JSON.
func New(detailType, source, account, region string, at time.Time, resources []string, detail any) (Event, error) {
	raw, err := json.Marshal(detail)
	if err != nil {
		return Event{}, fmt.Errorf("%s detail: %w", detailType, err)
	}
	if resources == nil {
		resources = []string{}
	}
	return Event{Version: "0", ID: ecs.NewUUID(), DetailType: detailType, Source: source, Account: account,
		Time: at.UTC().Format(time.RFC3339), Region: region, Resources: resources, Detail: raw}, nil
}

// Stamp formats a time inside an ECS event's detail as ECS does:
// 2020-01-23T17:57:34.402Z.
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// HealthTime formats a time inside an AWS Health event's detail (RFC 1123 in GMT):
// Sat, 26 Aug 2023 00:00:00 GMT.
func HealthTime(t time.Time) string { return t.UTC().Format("Mon, 02 Jan 2006 15:04:05 GMT") }

// Dropped reports whether ev is a DetailDropped notice and how many events it says
// were lost.
func Dropped(ev Event) (uint64, bool) {
	if ev.DetailType != DetailDropped || ev.Source != SourceEcsmini {
		return 0, false
	}
	var d struct {
		Dropped uint64 `json:"dropped"`
	}
	_ = json.Unmarshal(ev.Detail, &d) // our own notice: always well formed
	return d.Dropped, true
}

// droppedNotice is the notice a subscriber receives after losing n events; it carries
// the time of the event that follows it.
func droppedNotice(n uint64, next Event) Event {
	return Event{Version: "0", ID: ecs.NewUUID(), DetailType: DetailDropped, Source: SourceEcsmini,
		Account: next.Account, Time: next.Time, Region: next.Region, Resources: []string{},
		Detail: json.RawMessage(fmt.Sprintf(`{"dropped":%d}`, n))}
}
