package tui

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// t0 is the fake emulator clock's time.
var t0 = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

// fakeSource serves a fixed snapshot and a channel of events the test feeds.
type fakeSource struct {
	snap   *Snapshot
	events chan Event
	logs   []string
}

func (f *fakeSource) Snapshot(context.Context) (*Snapshot, error) { return f.snap, nil }

func (f *fakeSource) Events(context.Context) (<-chan Event, error) { return f.events, nil }

func (f *fakeSource) Logs(ctx context.Context, task string) (<-chan string, error) {
	ch := make(chan string, len(f.logs))
	for _, l := range f.logs {
		ch <- l
	}
	return ch, nil
}

// fakeActions records each call as a line.
type fakeActions struct {
	mu    sync.Mutex
	calls []string
	err   error
}

func (f *fakeActions) record(format string, args ...any) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
	return f.err
}

func (f *fakeActions) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeActions) ScaleService(_ context.Context, c, s string, n int) error {
	return f.record("ScaleService %s %s %d", c, s, n)
}
func (f *fakeActions) ForceNewDeployment(_ context.Context, c, s string) error {
	return f.record("ForceNewDeployment %s %s", c, s)
}
func (f *fakeActions) StopTask(_ context.Context, c, t, _ string) error {
	return f.record("StopTask %s %s", c, Name(t))
}
func (f *fakeActions) InterruptSpot(_ context.Context, c, t string) error {
	return f.record("InterruptSpot %s %s", c, Name(t))
}
func (f *fakeActions) Retire(_ context.Context, c, s, t string) (time.Time, error) {
	return t0.Add(7 * 24 * time.Hour), f.record("Retire %s service=%s task=%s", c, s, Name(t))
}
func (f *fakeActions) SetInstanceState(_ context.Context, c, arn, st string) error {
	return f.record("SetInstanceState %s %s %s", c, Name(arn), st)
}
func (f *fakeActions) AddInstance(_ context.Context, c, typ, az string) error {
	return f.record("AddInstance %s %s %s", c, typ, az)
}
func (f *fakeActions) TerminateInstance(_ context.Context, c, arn string) error {
	return f.record("TerminateInstance %s %s", c, Name(arn))
}
func (f *fakeActions) InterruptSpotInstance(_ context.Context, c, arn string) error {
	return f.record("InterruptSpotInstance %s %s", c, Name(arn))
}
func (f *fakeActions) SetSpotCapacity(_ context.Context, c string, on bool) error {
	return f.record("SetSpotCapacity %s %v", c, on)
}
func (f *fakeActions) AdvanceClock(_ context.Context, span string) error {
	return f.record("AdvanceClock %s", span)
}

const arnPrefix = "arn:aws:ecs:us-east-1:000000000000:"

func ago(d time.Duration) *ecs.Timestamp { return ecs.At(t0.Add(-d)) }

// fakeTask builds a task of cluster default.
func fakeTask(id, group, cp string, last, desired ecs.TaskStatus, created time.Duration) *ecs.Task {
	t := &ecs.Task{TaskArn: arnPrefix + "task/default/" + id, ClusterArn: arnPrefix + "cluster/default",
		TaskDefinitionArn: arnPrefix + "task-definition/web:3", Group: group, CapacityProviderName: cp, LaunchType: "FARGATE",
		LastStatus: last, DesiredStatus: desired, Cpu: "256", Memory: "512", CreatedAt: ago(created), PlatformVersion: "1.4.0",
		Containers: []ecs.Container{{Name: "web", Image: "ecsmini-demo:latest", LastStatus: last.String()}}}
	if last >= ecs.StatusRunning {
		t.StartedAt = ago(created - 10*time.Second)
	}
	return t
}

// fakeSnapshot is a cluster mid-deployment, with a Spot task interrupted, a
// retirement announced, a stopped task, a standalone task and two EC2 instances.
func fakeSnapshot() *Snapshot {
	running, stopped, prov := ecs.StatusRunning, ecs.StatusStopped, ecs.StatusProvisioning
	web1 := fakeTask("0a1b2c3d4e5f60718293a4b5c6d7e8f9", "service:web", "FARGATE", running, running, 2*time.Hour)
	web1.HealthStatus = "HEALTHY"
	web1.Containers[0].NetworkBindings = []ecs.NetworkBinding{{BindIP: "0.0.0.0", HostPort: ecs.Ptr(32768), ContainerPort: ecs.Ptr(8080), Protocol: "tcp"}}
	web2 := fakeTask("1b2c3d4e5f60718293a4b5c6d7e8f90a", "service:web", "FARGATE_SPOT", running, stopped, 90*time.Minute)
	web2.StopCode, web2.StoppedReason, web2.StoppingAt = ecs.StopSpotInterruption, "Your Spot Task was interrupted.", ago(35*time.Second)
	web3 := fakeTask("2c3d4e5f60718293a4b5c6d7e8f90a1b", "service:web", "FARGATE_SPOT", prov, running, 20*time.Second)
	web3.TaskDefinitionArn = arnPrefix + "task-definition/web:4"
	web1.StartedBy, web2.StartedBy, web3.StartedBy = "ecs-svc/1111111111111111111", "ecs-svc/1111111111111111111", "ecs-svc/2222222222222222222"
	old := fakeTask("3d4e5f60718293a4b5c6d7e8f90a1b2c", "service:web", "FARGATE", stopped, stopped, 3*time.Hour)
	old.StopCode, old.StoppedReason, old.StoppedAt = ecs.StopEssentialContainerExited, "Essential container in task exited", ago(time.Hour)
	old.Containers[0].ExitCode = ecs.Ptr(137)
	old.Containers[0].Reason = "CannotStartContainerError: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: exec: \"/app/server\": permission denied"
	scaling := fakeTask("6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d", "family:batch", "asg-cp", prov, running, 4*time.Hour)
	scaling.LaunchType, scaling.TaskDefinitionArn = "EC2", arnPrefix+"task-definition/batch:2"
	job := fakeTask("4e5f60718293a4b5c6d7e8f90a1b2c3d", "family:hello-job", "", running, running, 5*time.Minute)
	job.TaskDefinitionArn = arnPrefix + "task-definition/hello-job:1"
	ec2 := fakeTask("5f60718293a4b5c6d7e8f90a1b2c3d4e", "service:api", "asg-cp", running, running, 10*time.Minute)
	ec2.LaunchType, ec2.ContainerInstanceArn, ec2.Cpu, ec2.Memory = "EC2", arnPrefix+"container-instance/default/i1", "512", "1024"
	web := &ecs.Service{ServiceArn: arnPrefix + "service/default/web", ServiceName: "web", ClusterArn: arnPrefix + "cluster/default",
		Status: "ACTIVE", DesiredCount: 3, RunningCount: 2, PendingCount: 1, TaskDefinition: arnPrefix + "task-definition/web:4",
		CapacityProviderStrategy: []ecs.CapacityProviderStrategyItem{{CapacityProvider: "FARGATE", Base: 1, Weight: 1}, {CapacityProvider: "FARGATE_SPOT", Weight: 3}},
		CreatedAt:                ago(3 * time.Hour),
		LoadBalancers:            []ecs.LoadBalancer{{TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1", ContainerName: "web", ContainerPort: ecs.Ptr(8080)}},
		Deployments: []ecs.Deployment{
			{ID: "ecs-svc/2222222222222222222", Status: "PRIMARY", TaskDefinition: arnPrefix + "task-definition/web:4", DesiredCount: 3, RunningCount: 1, PendingCount: 1, RolloutState: "IN_PROGRESS", RolloutStateReason: "ECS deployment ecs-svc/2222222222222222222 in progress."},
			{ID: "ecs-svc/1111111111111111111", Status: "ACTIVE", TaskDefinition: arnPrefix + "task-definition/web:3", DesiredCount: 2, RunningCount: 2, RolloutState: "COMPLETED"},
		},
		Events: []ecs.ServiceEvent{
			{ID: "e2", CreatedAt: ago(20 * time.Second), Message: "(service web) has started 1 tasks: (task 2c3d4e5f60718293a4b5c6d7e8f90a1b)."},
			{ID: "e1", CreatedAt: ago(time.Hour), Message: "(service web) has reached a steady state."},
		}}
	api := &ecs.Service{ServiceArn: arnPrefix + "service/default/api", ServiceName: "api", ClusterArn: arnPrefix + "cluster/default",
		Status: "ACTIVE", DesiredCount: 1, RunningCount: 1, LaunchType: "EC2", TaskDefinition: arnPrefix + "task-definition/api:1", CreatedAt: ago(time.Hour),
		Deployments: []ecs.Deployment{{ID: "ecs-svc/3333333333333333333", Status: "PRIMARY", TaskDefinition: arnPrefix + "task-definition/api:1", DesiredCount: 1, RunningCount: 1, RolloutState: "COMPLETED"}}}
	on := true
	return &Snapshot{Now: t0, Scale: 1, Endpoint: "http://127.0.0.1:4599",
		LoadBalancers: map[string]string{"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/1": "127.0.0.1:30001"},
		Retirements:   map[string]time.Time{web1.TaskArn: t0.Add(6*24*time.Hour + 5*time.Hour)},
		Clusters: []ClusterState{{
			Cluster: &ecs.Cluster{ClusterArn: arnPrefix + "cluster/default", ClusterName: "default", Status: "ACTIVE",
				RunningTasksCount: 4, PendingTasksCount: 1, ActiveServicesCount: 2, RegisteredContainerInstancesCount: 2},
			Services:      []*ecs.Service{api, web},
			Tasks:         []*ecs.Task{web1, web2, web3, old, job, ec2, scaling},
			SpotAvailable: &on,
			ASGs: []ASG{{Name: "web-asg", InstanceType: "t3.medium", CapacityProvider: "asg-cp", Min: 0, Max: 4, Desired: 2,
				Instances: 2, ManagedScaling: true, Reservation: 100, LastDecision: "steady at 2"}},
			Instances: []Instance{
				{ARN: arnPrefix + "container-instance/default/i1", EC2InstanceID: "i-0123456789abcdef0", Status: "ACTIVE", AgentConnected: true,
					InstanceType: "t3.medium", AvailabilityZone: "us-east-1a", CapacityProvider: "asg-cp",
					CPU: Resource{2048, 1536}, Memory: Resource{3936, 2912}, RunningTasks: 1, ASG: "web-asg"},
				{ARN: arnPrefix + "container-instance/default/i2", EC2InstanceID: "i-0fedcba9876543210", Status: "DRAINING", AgentConnected: true,
					InstanceType: "t3.medium", AvailabilityZone: "us-east-1b", CapacityProvider: "asg-cp",
					CPU: Resource{2048, 2048}, Memory: Resource{3936, 3936}},
			},
			Cost: &Cost{Total: CostLine{Running: 4, PerHour: 0.0521, SoFar: 0.31, SpotSavings: 0.05, SpotSavingsPerHour: 0.0087},
				Services:   map[string]CostLine{"web": {Running: 2, PerHour: 0.0161, SoFar: 0.2, SpotSavings: 0.05, SpotSavingsPerHour: 0.0087}},
				Standalone: CostLine{Running: 1, PerHour: 0.0123, SoFar: 0.01}},
		}, {
			Cluster: &ecs.Cluster{ClusterArn: arnPrefix + "cluster/batch", ClusterName: "batch", Status: "ACTIVE"},
		}},
	}
}

// fakeEvents are a few stream events, oldest first.
func fakeEvents() []Event {
	return []Event{
		{Time: t0.Add(-time.Hour), DetailType: serviceAction, Resource: "service/default/web", Summary: "SERVICE_STEADY_STATE", Cluster: "default"},
		{Time: t0.Add(-35 * time.Second), DetailType: taskStateChange, Resource: "task/default/1b2c3d4e5f60718293a4b5c6d7e8f90a",
			Summary: "RUNNING→STOPPED service:web on FARGATE_SPOT SpotInterruption: Your Spot Task was interrupted.", Cluster: "default"},
		{Time: t0.Add(-20 * time.Second), DetailType: deploymentStateChange, Resource: "service/default/web", Summary: "SERVICE_DEPLOYMENT_IN_PROGRESS ecs-svc/2222222222222222222", Cluster: "default"},
	}
}

// Shell records the call and returns a shell that does nothing.
func (f *fakeActions) Shell(c, t string) (tea.ExecCommand, error) {
	if err := f.record("Shell %s %s", c, Name(t)); err != nil {
		return nil, err
	}
	return fakeShell{}, nil
}

type fakeShell struct{}

func (fakeShell) Run() error          { return nil }
func (fakeShell) SetStdin(io.Reader)  {}
func (fakeShell) SetStdout(io.Writer) {}
func (fakeShell) SetStderr(io.Writer) {}
