// Package ecsbridge connects Application Auto Scaling (package appscaling) to the
// emulator: desired counts through the emulator's API, CPU and memory from the
// container runtime's stats, request counts from the local load balancers, and scaling
// activities onto the event stream.
package ecsbridge

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/events"
)

// Stats is the part of the container runtime the metrics need.
type Stats interface {
	Stats(ctx context.Context, id string) (containers.Stats, error)
}

// Bridge implements appscaling.Services and appscaling.Metrics over an emulator.
type Bridge struct {
	emu   *emulator.Emulator
	stats Stats // nil: no CPU or memory datapoints

	mu   sync.Mutex
	last map[string]containers.Stats // by runtime ID: the previous sample, for CPU rates
	rate map[string]float64          // by runtime ID: the last CPU rate measured (cores)
}

// New returns a bridge to emu, sampling containers with stats.
func New(emu *emulator.Emulator, stats Stats) *Bridge {
	return &Bridge{emu: emu, stats: stats, last: map[string]containers.Stats{}, rate: map[string]float64{}}
}

func (b *Bridge) service(ctx context.Context, region, cluster, name string) (*ecs.Service, error) {
	out, err := b.emu.DescribeServices(ecs.WithRegion(ctx, region), &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{name}})
	if e, ok := ecs.AsError(err); ok && e.Code == ecs.CodeClusterNotFound {
		return nil, appscaling.ErrNoService
	} else if err != nil {
		return nil, err
	}
	if len(out.Services) == 0 || out.Services[0].Status != ecs.ServiceActive {
		return nil, appscaling.ErrNoService
	}
	return out.Services[0], nil
}

// DesiredCount implements appscaling.Services.
func (b *Bridge) DesiredCount(ctx context.Context, region, cluster, name string) (int, error) {
	s, err := b.service(ctx, region, cluster, name)
	if err != nil {
		return 0, err
	}
	return s.DesiredCount, nil
}

// SetDesiredCount implements appscaling.Services.
func (b *Bridge) SetDesiredCount(ctx context.Context, region, cluster, name string, n int, message string) error {
	_, err := b.emu.ScaleService(ecs.WithRegion(ctx, region), cluster, name, n, message)
	return err
}

// Sample implements appscaling.Metrics.
func (b *Bridge) Sample(ctx context.Context, region, cluster, name string) (appscaling.Sample, error) {
	ctx = ecs.WithRegion(ctx, region)
	svc, err := b.service(ctx, region, cluster, name)
	if err != nil {
		return appscaling.Sample{}, err
	}
	var sm appscaling.Sample
	b.requests(svc, &sm)
	if b.stats == nil {
		return sm, nil
	}
	tasks, err := b.runningTasks(ctx, cluster, name)
	if err != nil {
		return sm, err
	}
	var usedCPU, resCPU, usedMem, resMem float64
	for _, t := range tasks {
		cpu, mem, ok, err := b.taskUsage(ctx, t)
		if err != nil {
			return sm, err
		}
		if !ok {
			continue
		}
		rc, rm := reservation(t)
		usedCPU += cpu
		usedMem += mem
		resCPU += rc
		resMem += rm
		sm.Tasks++
	}
	if sm.Tasks > 0 {
		sm.CPU = 100 * usedCPU / resCPU
		sm.Memory = 100 * usedMem / resMem
	}
	return sm, nil
}

// requests adds up the service's load balancers' request counts and targets.
func (b *Bridge) requests(svc *ecs.Service, sm *appscaling.Sample) {
	tgs := map[string]bool{}
	for _, l := range svc.LoadBalancers {
		if l.TargetGroupArn != "" {
			tgs[l.TargetGroupArn] = true
		}
	}
	if len(tgs) == 0 {
		return
	}
	sm.HasBalancer = true
	for _, l := range b.emu.LoadBalancers() {
		if !tgs[l.TargetGroupArn] {
			continue
		}
		sm.Requests += l.Requests
		for _, t := range l.Targets {
			if t.State != "draining" {
				sm.Targets++
			}
		}
	}
}

func (b *Bridge) runningTasks(ctx context.Context, cluster, name string) ([]*ecs.Task, error) {
	var arns []string
	in := &ecs.ListTasksInput{Cluster: cluster, ServiceName: name, DesiredStatus: "RUNNING"}
	for {
		out, err := b.emu.ListTasks(ctx, in)
		if err != nil {
			return nil, err
		}
		arns = append(arns, out.TaskArns...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	var tasks []*ecs.Task
	for i := 0; i < len(arns); i += 100 {
		out, err := b.emu.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[i:min(i+100, len(arns))]})
		if err != nil {
			return nil, err
		}
		for _, t := range out.Tasks {
			if t.LastStatus == ecs.StatusRunning {
				tasks = append(tasks, t)
			}
		}
	}
	return tasks, nil
}

// taskUsage is a task's CPU use (in CPU units, 1024 a vCPU) since its containers'
// previous samples and its memory use (MiB); ok is false until every running
// container has a previous sample.
func (b *Bridge) taskUsage(ctx context.Context, t *ecs.Task) (cpu, mem float64, ok bool, err error) {
	ok = true
	for _, c := range t.Containers {
		if c.RuntimeID == "" || c.LastStatus != ecs.ContainerRunning {
			continue
		}
		st, err := b.stats.Stats(ctx, c.RuntimeID)
		if errors.Is(err, containers.ErrNotFound) {
			continue // gone between the listing and the sample
		} else if err != nil {
			return 0, 0, false, err
		}
		mem += float64(st.MemoryUsage) / (1 << 20)
		b.mu.Lock()
		prev, seen := b.last[c.RuntimeID]
		last, measured := b.rate[c.RuntimeID]
		switch {
		case seen && !st.Read.After(prev.Read) && measured:
			// The engine answered from the same collection as last time (Docker
			// collects once a second): the container's rate is the one last measured,
			// as CloudWatch's continuous metric would have it, not a missing datapoint.
			b.mu.Unlock()
			cpu += last * 1024
			continue
		case !seen || !st.Read.After(prev.Read) || st.CPUTotalNanos < prev.CPUTotalNanos:
			b.last[c.RuntimeID] = st
			b.prune(st.Read)
			b.mu.Unlock()
			ok = false
			continue
		}
		cores := float64(st.CPUTotalNanos-prev.CPUTotalNanos) / float64(st.Read.Sub(prev.Read))
		b.last[c.RuntimeID], b.rate[c.RuntimeID] = st, cores
		b.prune(st.Read)
		b.mu.Unlock()
		cpu += cores * 1024
	}
	return cpu, mem, ok, nil
}

// prune forgets containers not sampled for an hour; b.mu is held.
func (b *Bridge) prune(now time.Time) {
	if len(b.last) < 256 {
		return
	}
	for id, st := range b.last {
		if now.Sub(st.Read) > time.Hour {
			delete(b.last, id)
			delete(b.rate, id)
		}
	}
}

// reservation is what a task reserves, as CloudWatch divides by: the task size, else
// its containers' reservations (a container without CPU units counts 128 and without
// memory 512 MiB, so an unsized EC2 task still has a denominator).
func reservation(t *ecs.Task) (cpu, mem float64) {
	cpu, mem = num(t.Cpu), num(t.Memory)
	if cpu == 0 {
		for _, c := range t.Containers {
			cpu += max(num(c.Cpu), 128)
		}
	}
	if mem == 0 {
		for _, c := range t.Containers {
			mem += max(num(c.Memory), 512)
		}
	}
	return max(cpu, 1), max(mem, 1)
}

func num(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return f
}

// Publish puts a scaling activity on the event stream, as EventBridge carries
// Application Auto Scaling's "Scaling Activity State Change" events.
func (b *Bridge) Publish(c appscaling.Change) {
	a := c.Activity
	detail := map[string]any{
		"startTime": a.StartTime.UTC().Format(time.RFC3339), "endTime": a.EndTime.UTC().Format(time.RFC3339),
		"newDesiredCapacity": c.New, "oldDesiredCapacity": c.Old, "minCapacity": c.Min, "maxCapacity": c.Max,
		"resourceId": a.ResourceId, "scalableDimension": a.ScalableDimension, "serviceNamespace": a.ServiceNamespace,
		"statusCode": a.StatusCode, "scaledToMax": c.New == c.Max,
		"description": a.Description, "cause": a.Cause,
	}
	ev, err := events.New(DetailType, Source, b.emu.AccountID(), c.Region, a.StartTime.Time, []string{}, detail)
	if err != nil {
		return // a map of plain values always marshals
	}
	b.emu.Events().Publish(ev)
}

// The event's detail type and source.
const (
	DetailType = "Application Auto Scaling Scaling Activity State Change"
	Source     = "aws.application-autoscaling"
)
