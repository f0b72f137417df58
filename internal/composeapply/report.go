package composeapply

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// The states a compose service ends an import in.
const (
	StateRunning   = "running"
	StateCompleted = "completed" // a one-off task that exited 0
	StateFailed    = "failed"
	StateStarting  = "starting" // neither up nor failed when the wait ended
)

// ServiceReport is how one compose service came up.
type ServiceReport struct {
	Service string   `json:"service"`
	State   string   `json:"state"`
	Running int      `json:"running"`
	Desired int      `json:"desired"`
	Ports   []string `json:"ports,omitempty"` // "127.0.0.1:8080->80"
	Reason  string   `json:"reason,omitempty"`
}

// Report is how a project came up: a line per service.
type Report struct {
	Project  string          `json:"project"`
	Cluster  string          `json:"cluster"`
	Services []ServiceReport `json:"services"`
}

// Up says whether every service is running (or its one-off task completed).
func (r Report) Up() bool {
	for _, s := range r.Services {
		if s.State != StateRunning && s.State != StateCompleted {
			return false
		}
	}
	return true
}

// NotUp lists the services that are not up, with why, for an error message.
func (r Report) NotUp() string {
	var parts []string
	for _, s := range r.Services {
		if s.State != StateRunning && s.State != StateCompleted {
			parts = append(parts, s.Service+" ("+s.State+": "+s.Reason+")")
		}
	}
	return strings.Join(parts, "; ")
}

// Print writes the report as a table: service, state, tasks, ports, and why a
// service is not up.
func (r Report) Print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERVICE\tSTATE\tTASKS\tPORTS\tREASON")
	for _, s := range r.Services {
		ports := strings.Join(s.Ports, ", ")
		if ports == "" {
			ports = "-"
		}
		reason := s.Reason
		if reason == "" {
			reason = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\t%s\n", s.Service, s.State, s.Running, s.Desired, ports, reason)
	}
	_ = tw.Flush() // w's errors are the caller's to see
}

// failStartsReported is how many of a service's tasks must fail to start, with none
// running, before the report calls it failed (one is enough: ECS would keep trying,
// but a missing image or a bad task definition does not mend itself).
const failStartsReported = 1

// report waits up to the Syncer's settle time for each service of plan to come up or
// fail, then reports them all. Services res already failed are reported as such.
func (s *Syncer) report(ctx context.Context, plan *composeimport.Plan, res Result) (Report, error) {
	deadline := time.Now().Add(s.settle)
	poll := s.applier.poll
	if poll <= 0 {
		poll = 500 * time.Millisecond
	}
	for {
		rep, err := s.look(ctx, plan, res)
		if err != nil {
			return rep, err
		}
		settled := true
		for _, sr := range rep.Services {
			settled = settled && sr.State != StateStarting
		}
		if settled || !time.Now().Before(deadline) {
			for i := range rep.Services {
				if rep.Services[i].State == StateStarting && rep.Services[i].Reason == "" {
					rep.Services[i].Reason = "not running after " + s.settle.String()
				}
			}
			return rep, nil
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// look reports the services once.
func (s *Syncer) look(ctx context.Context, plan *composeimport.Plan, res Result) (Report, error) {
	c := s.applier.c
	rep := Report{Project: plan.Project, Cluster: plan.Cluster}
	lbs, err := c.LoadBalancers(ctx)
	if err != nil {
		return rep, err
	}
	lbAddr := map[string]string{}
	for _, b := range lbs {
		lbAddr[b.TargetGroupArn] = b.Address
	}
	for i := range plan.Services {
		svc := &plan.Services[i]
		sr := ServiceReport{Service: svc.Name, Desired: 1}
		if svc.Service != nil {
			sr.Desired = ecs.Deref(svc.Service.DesiredCount)
		}
		for _, f := range res.Failed {
			if f.Service == svc.Name {
				sr.State, sr.Reason = StateFailed, f.Reason
			}
		}
		if sr.State == "" {
			tasks, err := s.tasksOf(ctx, plan.Cluster, svc)
			if err != nil {
				return rep, err
			}
			sr.Running, sr.State, sr.Reason = taskState(svc, tasks, sr.Desired)
		}
		if sr.State == StateRunning {
			for _, p := range svc.Ports {
				addr, ok := lbAddr[p.TargetGroupArn]
				if !ok {
					sr.State, sr.Reason = StateStarting, fmt.Sprintf("port %d: no load balancer listens there yet", p.HostPort)
					if s.portBusy[p.HostPort] != "" {
						sr.State, sr.Reason = StateFailed, s.portBusy[p.HostPort]
					}
					continue
				}
				if _, port, _ := net.SplitHostPort(addr); p.HostPort > 0 && port != strconv.Itoa(p.HostPort) {
					sr.State, sr.Reason = StateFailed, fmt.Sprintf("port %d: its load balancer is on %s instead (pinned otherwise at start-up, or the port was taken)", p.HostPort, addr)
				}
				sr.Ports = append(sr.Ports, fmt.Sprintf("%s->%d", addr, p.ContainerPort))
			}
		}
		rep.Services = append(rep.Services, sr)
	}
	return rep, nil
}

// tasksOf lists the service's (or one-off's) tasks, running and stopped.
func (s *Syncer) tasksOf(ctx context.Context, cluster string, svc *composeimport.Service) ([]*ecs.Task, error) {
	c := s.applier.c
	filter := ecs.ListTasksInput{Cluster: cluster}
	if svc.RunTask != nil {
		filter.StartedBy = svc.RunTask.StartedBy
	} else {
		filter.ServiceName = svc.Service.ServiceName
	}
	running, err := c.ListTasks(ctx, filter)
	if err != nil {
		return nil, err
	}
	filter.DesiredStatus = "STOPPED"
	stopped, err := c.ListTasks(ctx, filter)
	if err != nil {
		return nil, err
	}
	return c.DescribeTasks(ctx, cluster, append(running, stopped...))
}

// taskState judges a service from its tasks: running when desired tasks run, failed
// when its tasks fail to start (or keep exiting) with none running, completed for a
// one-off task that exited 0, else starting.
func taskState(svc *composeimport.Service, tasks []*ecs.Task, desired int) (running int, state, reason string) {
	failedStarts, exits := 0, 0
	for _, t := range tasks {
		switch {
		case t.LastStatus == ecs.StatusRunning:
			running++
		case t.LastStatus != ecs.StatusStopped:
		case svc.RunTask != nil:
			if r := taskFailure(t); r != "" {
				return 0, StateFailed, r
			}
			return 0, StateCompleted, ""
		case t.StopCode == ecs.StopTaskFailedToStart:
			failedStarts++
			reason = taskFailure(t)
		default:
			exits++
			if reason == "" {
				reason = taskFailure(t)
			}
		}
	}
	switch {
	case running >= desired && (running > 0 || svc.RunTask == nil):
		return running, StateRunning, ""
	case running == 0 && failedStarts >= failStartsReported:
		return 0, StateFailed, reason
	case running == 0 && exits >= 2:
		return 0, StateFailed, "its tasks keep stopping: " + reason
	}
	return running, StateStarting, ""
}

// taskFailure says why a stopped task failed ("" when every essential container
// exited 0): a container's reason (CannotPullContainerError: …) before the task's.
func taskFailure(t *ecs.Task) string {
	for _, c := range t.Containers {
		if c.Reason != "" {
			return c.Name + ": " + c.Reason
		}
	}
	for _, c := range t.Containers {
		if c.ExitCode != nil && *c.ExitCode != 0 {
			return fmt.Sprintf("%s exited with code %d (%s)", c.Name, *c.ExitCode, t.StoppedReason)
		}
	}
	if t.StopCode == ecs.StopTaskFailedToStart {
		return t.StoppedReason
	}
	return ""
}
