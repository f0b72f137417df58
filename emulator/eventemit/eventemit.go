// Package eventemit is what the emulator publishes on its event stream (package
// events), and when. It reads the state, never writes it.
package eventemit

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
	"github.com/ecsmini/ecsmini/emulator/fargatectl"
	"github.com/ecsmini/ecsmini/emulator/scheduler"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// The event stream (package events): what the emulator publishes, and when. Every
// event reports a change that is committed: callers collect what changed inside their
// store transaction and call an emit function once the commit succeeded, never from
// inside one (a rolled-back change must not be announced).
//
//   - ECS Task State Change: every committed change to a task (UpdateTask, RunTask, the
//     tasks a service starts and stops, StopOrphanedTasks); detail is the task as
//     DescribeTasks shows it with ECS's event timestamps, detail.version the task's.
//   - ECS Deployment State Change: a deployment's rolloutState changing (spec §5.7).
//   - ECS Service Action: SERVICE_STEADY_STATE when a service becomes steady,
//     SERVICE_TASK_START_IMPAIRED and SERVICE_TASK_PLACEMENT_FAILURE with the service
//     events that report them (spec §5.9).
//   - AWS Health Event: Health, for Fargate task retirement notices (tasks §3.7).

// Emitter builds the emulator's events and publishes them on its bus.
type Emitter struct {
	st  *state.State
	bus *events.Bus
	// since is when this emulator started: deployments created before it (in an
	// earlier run) are not announced as new.
	since time.Time

	mu sync.Mutex
	// rollouts is each service's deployments' rolloutState last announced, by service
	// key and deployment ID. Only the control loop's service passes use it.
	rollouts map[string]map[string]string
}

// New makes an Emitter publishing on bus (a new one when nil); now is when the
// emulator started.
func New(st *state.State, bus *events.Bus, now time.Time) *Emitter {
	if bus == nil {
		bus = events.NewBus(0)
	}
	return &Emitter{st: st, bus: bus, since: now, rollouts: map[string]map[string]string{}}
}

// Bus is the event stream: subscribe to it, read its history, serve it with
// events.Handler.
func (e *Emitter) Bus() *events.Bus { return e.bus }

// Event builds an event of the emulator's account; a detail that cannot be
// marshalled (a bug) is logged and the event skipped.
func (e *Emitter) Event(detailType, source, region string, at time.Time, resources []string, detail any) (events.Event, bool) {
	ev, err := events.New(detailType, source, e.st.AccountID, region, at, resources, detail)
	if err != nil {
		e.st.LogError("event", err)
		return ev, false
	}
	return ev, true
}

// Tasks publishes an ECS Task State Change for each task (nil ones are skipped).
// Call it after the commit that stored the tasks, with the tasks as stored.
func (e *Emitter) Tasks(tasks ...*ecs.Task) {
	var evs []events.Event
	var now time.Time
	for _, t := range tasks {
		if t == nil {
			continue
		}
		if now.IsZero() {
			now = e.st.Clock.Now()
		}
		if ev, ok := e.Event(events.TaskStateChange, events.SourceECS, e.st.RegionOf(t.TaskArn), now,
			[]string{t.TaskArn}, taskStateDetail(t, now)); ok {
			evs = append(evs, ev)
		}
	}
	if len(evs) > 0 { // an update that changed nothing costs nothing here
		e.bus.Publish(evs...)
	}
}

// taskDetail is a task as ECS Task State Change events show it: the DescribeTasks
// object with ISO 8601 timestamps (its fields shadow the task's epoch-second ones in
// JSON), updatedAt, and no tags.
type taskDetail struct {
	*ecs.Task
	ConnectivityAt     string    `json:"connectivityAt,omitempty"`
	CreatedAt          string    `json:"createdAt,omitempty"`
	ExecutionStoppedAt string    `json:"executionStoppedAt,omitempty"`
	PullStartedAt      string    `json:"pullStartedAt,omitempty"`
	PullStoppedAt      string    `json:"pullStoppedAt,omitempty"`
	StartedAt          string    `json:"startedAt,omitempty"`
	StoppedAt          string    `json:"stoppedAt,omitempty"`
	StoppingAt         string    `json:"stoppingAt,omitempty"`
	UpdatedAt          string    `json:"updatedAt"`
	Tags               []ecs.Tag `json:"tags,omitempty"`
}

func taskStateDetail(t *ecs.Task, now time.Time) taskDetail {
	stamp := func(ts *ecs.Timestamp) string {
		if ts == nil {
			return ""
		}
		return events.Stamp(ts.Time)
	}
	return taskDetail{Task: t, ConnectivityAt: stamp(t.ConnectivityAt), CreatedAt: stamp(t.CreatedAt),
		ExecutionStoppedAt: stamp(t.ExecutionStoppedAt), PullStartedAt: stamp(t.PullStartedAt),
		PullStoppedAt: stamp(t.PullStoppedAt), StartedAt: stamp(t.StartedAt), StoppedAt: stamp(t.StoppedAt),
		StoppingAt: stamp(t.StoppingAt), UpdatedAt: events.Stamp(now)}
}

// ServiceWatch remembers a service and its tasks as a service pass found them, so that
// once the pass is committed, publish can announce what it changed.
type ServiceWatch struct {
	e        *Emitter
	k        string
	now      time.Time
	old, r   *state.Service         // before the pass, and the record the pass changes
	tasks    map[string]*state.Task // the pass's task map, which it changes in place
	versions map[string]int64       // task versions before the pass
	written  []scheduler.Event      // the service events the pass wrote, oldest first
}

// WatchService starts watching a service pass: call it inside the pass's transaction
// before the plan is carried out, with the stored record (old), the copy the pass
// changes (r) and the task map the pass changes; call publish once it committed.
func (e *Emitter) WatchService(k string, now time.Time, old, r *state.Service, tasks map[string]*state.Task) *ServiceWatch {
	w := &ServiceWatch{e: e, k: k, now: now, old: old, r: r, tasks: tasks, versions: make(map[string]int64, len(tasks))}
	for tk, tr := range tasks {
		w.versions[tk] = tr.Task.Version
	}
	return w
}

// publish announces what the committed pass changed, in the order the pass did it:
// new deployments IN_PROGRESS, the service actions of the service events it wrote
// (impaired, placement failures), the other rollout changes (a breaker's FAILED and
// rollback, COMPLETED), the tasks it started or stopped, then steady state. A nil
// watch publishes nothing.
// Written records the service events the pass wrote.
func (w *ServiceWatch) Written(evs []scheduler.Event) { w.written = evs }

// Publish publishes what the pass changed.
func (w *ServiceWatch) Publish() {
	if w == nil {
		return
	}
	e, s := w.e, w.r.Service
	region := e.st.RegionOf(s.ServiceArn)
	evs, changes := w.rollouts(region)
	for _, ev := range w.written {
		if a, ok := serviceActionOf(ev); ok {
			evs = append(evs, e.serviceActionEvent(region, s, a, w.now)...)
		}
	}
	evs = append(evs, changes...)
	var changed []*ecs.Task
	for tk, tr := range w.tasks {
		if v, ok := w.versions[tk]; !ok || v != tr.Task.Version {
			changed = append(changed, tr.Task)
		}
	}
	slices.SortFunc(changed, func(a, b *ecs.Task) int { return strings.Compare(a.TaskArn, b.TaskArn) })
	for _, t := range changed {
		if ev, ok := e.Event(events.TaskStateChange, events.SourceECS, region, w.now, []string{t.TaskArn}, taskStateDetail(t, w.now)); ok {
			evs = append(evs, ev)
		}
	}
	if w.r.Steady && !w.old.Steady {
		evs = append(evs, e.serviceActionEvent(region, s, serviceAction{eventType: "INFO", eventName: "SERVICE_STEADY_STATE"}, w.now)...)
	}
	if len(evs) > 0 {
		e.bus.Publish(evs...)
	}
}

// rollouts are the Deployment State Change events of the pass, for each deployment
// whose rolloutState differs from the one last announced: first those of deployments
// seen for the first time (new ones, announced from IN_PROGRESS, unless they predate
// this emulator), then the changes of known ones, failures first.
func (w *ServiceWatch) rollouts(region string) (fresh, changes []events.Event) {
	st := w.e
	st.mu.Lock()
	defer st.mu.Unlock()
	if w.r.Service.Status == ecs.ServiceInactive {
		delete(st.rollouts, w.k)
		return nil, nil
	}
	last := st.rollouts[w.k]
	var failed []events.Event
	next := make(map[string]string, len(w.r.Deployments))
	arn := w.r.Service.ServiceArn
	for i := len(w.r.Deployments) - 1; i >= 0; i-- { // oldest first
		d := &w.r.Deployments[i]
		next[d.ID] = d.RolloutState
		prev, seen := last[d.ID]
		switch {
		case seen && prev != d.RolloutState && d.RolloutState == ecs.RolloutFailed:
			// A failure comes before the rollback it causes, though the deployment
			// rolled back to is older.
			failed = append(failed, w.e.deploymentEvent(region, arn, d, d.RolloutState, w.now)...)
		case seen && prev != d.RolloutState:
			changes = append(changes, w.e.deploymentEvent(region, arn, d, d.RolloutState, w.now)...)
		case seen, d.CreatedAt != nil && d.CreatedAt.Before(st.since): // nothing new, or announced by an earlier run
		default:
			fresh = append(fresh, w.e.deploymentEvent(region, arn, d, ecs.RolloutInProgress, w.now)...)
			if d.RolloutState != ecs.RolloutInProgress {
				changes = append(changes, w.e.deploymentEvent(region, arn, d, d.RolloutState, w.now)...)
			}
		}
	}
	st.rollouts[w.k] = next
	return fresh, append(failed, changes...)
}

// deploymentEvent is an ECS Deployment State Change for a deployment reaching state,
// with the reason texts of spec §5.7; a failure or rollback that was not the circuit
// breaker's (alarms, lifecycle hooks of the BLUE_GREEN, LINEAR and CANARY strategies,
// a stop) carries the deployment's rolloutStateReason.
func (e *Emitter) deploymentEvent(region, serviceARN string, d *state.Deployment, state string, now time.Time) []events.Event {
	detail := struct {
		EventType    string `json:"eventType"`
		EventName    string `json:"eventName"`
		DeploymentID string `json:"deploymentId"`
		UpdatedAt    string `json:"updatedAt"`
		Reason       string `json:"reason"`
	}{EventType: "INFO", DeploymentID: d.ID, UpdatedAt: events.Stamp(now)}
	switch state {
	case ecs.RolloutInProgress:
		detail.EventName = "SERVICE_DEPLOYMENT_IN_PROGRESS"
		detail.Reason = fmt.Sprintf("ECS deployment %s in progress.", d.ID)
		if d.Rollback {
			detail.Reason = fmt.Sprintf("ECS deployment circuit breaker: rolling back to deploymentId %s.", d.ID)
			if r := d.RolloutStateReason; r != "" && !strings.Contains(r, "circuit breaker") {
				// An alarm or a lifecycle hook, not the circuit breaker, started the
				// rollback: the deployment's own reason says so (ecsmini's wording).
				detail.Reason = r
			}
		}
	case ecs.RolloutCompleted:
		detail.EventName = "SERVICE_DEPLOYMENT_COMPLETED"
		detail.Reason = fmt.Sprintf("ECS deployment %s completed.", d.ID)
	case ecs.RolloutFailed:
		detail.EventType, detail.EventName = "ERROR", "SERVICE_DEPLOYMENT_FAILED"
		detail.Reason = "ECS deployment circuit breaker: task failed to start."
		if r := d.RolloutStateReason; r != "" && !strings.Contains(r, "circuit breaker") {
			// An alarm, a lifecycle hook or StopServiceDeployment failed it: the
			// deployment's own reason says which (ecsmini's wording).
			detail.Reason = r
		}
	default:
		return nil
	}
	ev, ok := e.Event(events.DeploymentStateChange, events.SourceECS, region, now, []string{serviceARN}, detail)
	if !ok {
		return nil
	}
	return []events.Event{ev}
}

// serviceAction is an ECS Service Action's eventType, eventName and detail extras.
type serviceAction struct {
	eventType, eventName, reason string
	capacityProviders            []string // names; the event carries their ARNs
}

// serviceActionOf maps a service event the scheduler wrote to the ECS Service Action
// ECS sends with it (spec §5.9), if any.
func serviceActionOf(ev scheduler.Event) (serviceAction, bool) {
	switch ev.Kind {
	case scheduler.EventThrottled:
		return serviceAction{eventType: "WARN", eventName: "SERVICE_TASK_START_IMPAIRED"}, true
	case scheduler.EventUnplaceable:
		a := serviceAction{eventType: "ERROR", eventName: "SERVICE_TASK_PLACEMENT_FAILURE"}
		switch ev.Placement {
		case "RESOURCE:PORTS", "RESOURCE:PORTS_UDP":
			a.reason = "RESOURCE:PORTS"
		case "RESOURCE:CPU", "RESOURCE:MEMORY":
			a.reason = ev.Placement
		case scheduler.PlaceFargateCapacity:
			// Only Fargate Spot capacity runs out in ecsmini (spec §2.6).
			a.reason, a.capacityProviders = "RESOURCE:FARGATE", []string{ecs.FargateSpot}
		}
		return a, true
	}
	return serviceAction{}, false
}

func (e *Emitter) serviceActionEvent(region string, s *ecs.Service, a serviceAction, now time.Time) []events.Event {
	detail := struct {
		EventType            string   `json:"eventType"`
		EventName            string   `json:"eventName"`
		ClusterArn           string   `json:"clusterArn"`
		CapacityProviderArns []string `json:"capacityProviderArns,omitempty"`
		Reason               string   `json:"reason,omitempty"`
		CreatedAt            string   `json:"createdAt"`
	}{EventType: a.eventType, EventName: a.eventName, ClusterArn: s.ClusterArn, Reason: a.reason, CreatedAt: events.Stamp(now)}
	sc := ecs.Scope{Region: region, Account: e.st.AccountID}
	for _, p := range a.capacityProviders {
		detail.CapacityProviderArns = append(detail.CapacityProviderArns, sc.CapacityProviderARN(p))
	}
	ev, ok := e.Event(events.ServiceAction, events.SourceECS, region, now, []string{s.ServiceArn}, detail)
	if !ok {
		return nil
	}
	return []events.Event{ev}
}

// ServiceAction publishes an ECS Service Action for a service (eventType INFO,
// WARN or ERROR; eventName as in spec §5.9; reason and capacity provider names
// optional). Service passes already send the actions of the service events they
// write (serviceActionOf): use this only for an action that writes no service event.
func (e *Emitter) ServiceAction(s *ecs.Service, eventType, eventName, reason string, capacityProviders ...string) {
	e.bus.Publish(e.serviceActionEvent(e.st.RegionOf(s.ServiceArn), s,
		serviceAction{eventType: eventType, eventName: eventName, reason: reason, capacityProviders: capacityProviders},
		e.st.Clock.Now())...)
}

// Health event types ecsmini sends.
const healthTaskRetirement = "AWS_ECS_TASK_PATCHING_RETIREMENT"

// Health publishes the AWS Health Events that announce Fargate task retirements
// (tasks spec §3.7), as AWS sends them: per region, one for service tasks (resources
// and affectedEntities "cluster/service") and one for standalone tasks (their task
// ARNs), eventTypeCode AWS_ECS_TASK_PATCHING_RETIREMENT, category scheduledChange,
// startTime the earliest retirement of the group. Call it once the retirements are
// committed, with the ones newly scheduled.
func (e *Emitter) Health(retirements []fargatectl.Retirement) {
	type group struct {
		region   string
		services bool
	}
	entities := map[group][]string{}
	start := map[group]time.Time{}
	var order []group
	for _, r := range retirements {
		a, _ := ecs.ParseARN(r.TaskArn)
		g := group{region: e.st.RegionOf(r.TaskArn), services: r.Service != ""}
		entity := r.TaskArn
		if g.services {
			cluster, _, _ := strings.Cut(a.Path(), "/")
			entity = cluster + "/" + r.Service
		}
		if _, ok := entities[g]; !ok {
			order = append(order, g)
		}
		if !slices.Contains(entities[g], entity) {
			entities[g] = append(entities[g], entity)
		}
		if t, ok := start[g]; !ok || r.RetireAt.Before(t) {
			start[g] = r.RetireAt
		}
	}
	for _, g := range order {
		what := "standalone tasks"
		if g.services {
			what = "tasks of the services"
		}
		desc := fmt.Sprintf("AWS Fargate is retiring the platform version revision these %s run on. "+
			"They will be stopped on or after %s; service tasks are replaced, standalone tasks are not. "+
			"To replace service tasks sooner, update the service with --force-new-deployment.",
			what, events.HealthTime(start[g]))
		e.HealthEvent(g.region, healthTaskRetirement, "scheduledChange", start[g], desc, entities[g])
	}
}

// HealthEvent publishes one AWS Health Event (source aws.health) for ECS: resources
// and affectedEntities are entities, startTime start, the description in en_US.
func (e *Emitter) HealthEvent(region, typeCode, category string, start time.Time, description string, entities []string) {
	now := e.st.Clock.Now()
	type entity struct {
		EntityValue string `json:"entityValue"`
	}
	type healthDescription struct {
		Language          string `json:"language"`
		LatestDescription string `json:"latestDescription"`
	}
	id := ecs.NewID()
	detail := struct {
		EventArn          string              `json:"eventArn"`
		Service           string              `json:"service"`
		EventScopeCode    string              `json:"eventScopeCode"`
		CommunicationID   string              `json:"communicationId"`
		LastUpdatedTime   string              `json:"lastUpdatedTime"`
		EventRegion       string              `json:"eventRegion"`
		EventTypeCode     string              `json:"eventTypeCode"`
		EventTypeCategory string              `json:"eventTypeCategory"`
		StartTime         string              `json:"startTime"`
		EndTime           string              `json:"endTime,omitempty"`
		EventDescription  []healthDescription `json:"eventDescription"`
		AffectedEntities  []entity            `json:"affectedEntities"`
	}{
		EventArn: fmt.Sprintf("arn:aws:health:%s::event/ECS/%s/%s_%s", region, typeCode, typeCode, id),
		Service:  "ECS", EventScopeCode: "ACCOUNT_SPECIFIC", CommunicationID: id,
		LastUpdatedTime: events.HealthTime(now), EventRegion: region, EventTypeCode: typeCode,
		EventTypeCategory: category, StartTime: events.HealthTime(start),
		EventDescription: []healthDescription{{Language: "en_US", LatestDescription: description}},
		AffectedEntities: []entity{},
	}
	for _, v := range entities {
		detail.AffectedEntities = append(detail.AffectedEntities, entity{EntityValue: v})
	}
	if ev, ok := e.Event(events.HealthEvent, events.SourceHealth, region, now, slices.Clone(entities), detail); ok {
		e.bus.Publish(ev)
	}
}

// ContainerInstance publishes an ECS Container Instance State Change; detail is
// the container instance as DescribeContainerInstances shows it, with its version and
// clusterArn (spec §3.3). For the simulated EC2 instances to call once they exist.
func (e *Emitter) ContainerInstance(containerInstanceARN string, detail any) {
	if ev, ok := e.Event(events.ContainerInstanceStateChange, events.SourceECS, e.st.RegionOf(containerInstanceARN),
		e.st.Clock.Now(), []string{containerInstanceARN}, detail); ok {
		e.bus.Publish(ev)
	}
}
