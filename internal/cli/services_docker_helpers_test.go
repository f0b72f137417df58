//go:build docker

package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// startServicesUp runs `up --runtime docker` on stateDir with image as the pause image
// and, when drain is set, that --deregistration-delay, so that rolling updates behind a
// load balancer drain quickly. It creates no cluster: callers take one with inCluster.
// When t ends, up is stopped and nothing ecsmini created for stateDir may remain.
func startServicesUp(t *testing.T, image, stateDir string, drain time.Duration) *dockerTasks {
	t.Helper()
	addr, out, stop := startUp(t, upOptions{runtime: "docker", pauseImage: image, stateDir: stateDir,
		region: "us-east-1", drainDelay: drain})
	d := &dockerTasks{addr: addr, stateDir: stateDir, image: image, out: out, down: new(atomic.Bool),
		ecs: sdkecs.New(sdkecs.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String("http://" + addr),
			Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		})}
	d.stop = func() error {
		d.down.Store(true)
		return stop()
	}
	// Registered after startUp's own cleanup, so it runs first: stop up, then look.
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("up returned %v\n%s", err, out)
		}
		if left := leftovers(stateDir); left != "" {
			t.Errorf("after up stopped, the engine still holds what ecsmini created:\n%s", left)
		}
		if out, _ := exec.Command("docker", "network", "ls", "-q", "--filter", "label=ecsmini.state-dir="+stateDir).CombinedOutput(); strings.TrimSpace(string(out)) != "" {
			t.Errorf("after up stopped, its task networks remain:\n%s", out)
		}
	})
	return d
}

// inCluster creates a cluster and returns a dockerTasks on the same ecsmini that works
// in it.
func (d *dockerTasks) inCluster(t *testing.T, cluster string) *dockerTasks {
	t.Helper()
	if _, err := d.ecs.CreateCluster(tctx(t, 10*time.Second), &sdkecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	return &dockerTasks{addr: d.addr, stateDir: d.stateDir, image: d.image, cluster: cluster, ecs: d.ecs, stop: d.stop, out: d.out, down: d.down}
}

// register registers a task definition and returns its revision's ARN.
func (d *dockerTasks) register(t *testing.T, def *sdkecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	out, err := d.ecs.RegisterTaskDefinition(tctx(t, 10*time.Second), def)
	if err != nil {
		t.Fatalf("RegisterTaskDefinition %s: %v", aws.ToString(def.Family), err)
	}
	return aws.ToString(out.TaskDefinition.TaskDefinitionArn)
}

// awsvpc is the network configuration Fargate services need.
func awsvpc() *types.NetworkConfiguration {
	return &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{
		Subnets: []string{"subnet-12345678"}, SecurityGroups: []string{"sg-12345678"}}}
}

// createService creates a FARGATE service of taskDef in d's cluster. When t ends it is
// deleted (force) and must become INACTIVE with every task it ran STOPPED and gone from
// the engine; an ecsmini already stopped has done that itself.
func (d *dockerTasks) createService(t *testing.T, name, taskDef string, desired int32, mod ...func(*sdkecs.CreateServiceInput)) *types.Service {
	t.Helper()
	in := &sdkecs.CreateServiceInput{Cluster: aws.String(d.cluster), ServiceName: aws.String(name),
		TaskDefinition: aws.String(taskDef), DesiredCount: aws.Int32(desired), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: awsvpc()}
	for _, m := range mod {
		m(in)
	}
	out, err := d.ecs.CreateService(tctx(t, 10*time.Second), in)
	if err != nil {
		t.Fatalf("CreateService %s: %v", name, err)
	}
	t.Cleanup(func() { d.deleteService(t, name) })
	return out.Service
}

// deleteService deletes a service with force and waits for it to be INACTIVE, then
// checks that none of its tasks is left running or holds a container.
func (d *dockerTasks) deleteService(t *testing.T, name string) {
	if d.down.Load() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if _, err := d.ecs.DeleteService(ctx, &sdkecs.DeleteServiceInput{Cluster: aws.String(d.cluster), Service: aws.String(name), Force: aws.Bool(true)}); err != nil {
		t.Errorf("cleanup: DeleteService %s: %v", name, err)
		return
	}
	w := sdkecs.NewServicesInactiveWaiter(d.ecs, func(o *sdkecs.ServicesInactiveWaiterOptions) {
		o.MinDelay, o.MaxDelay = 200*time.Millisecond, time.Second
	})
	start := time.Now()
	if err := w.Wait(ctx, &sdkecs.DescribeServicesInput{Cluster: aws.String(d.cluster), Services: []string{name}}, 80*time.Second); err != nil {
		t.Errorf("cleanup: service %s not INACTIVE: %v\n%s", name, err, d.serviceSummary(name))
		return
	}
	t.Logf("service %s INACTIVE %v after DeleteService", name, time.Since(start).Round(100*time.Millisecond))
	for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		for _, tk := range d.serviceTasksCtx(ctx, t, name, status) {
			arn := aws.ToString(tk.TaskArn)
			if s := aws.ToString(tk.LastStatus); s != "STOPPED" {
				t.Errorf("cleanup: service %s is INACTIVE but its task %s is %s", name, arn, s)
			}
			if left, err := taskContainers(arn); err != nil || left != "" {
				t.Errorf("cleanup: task %s of the deleted service %s still has containers: %s %v", arn, name, left, err)
			}
		}
	}
}

func (d *dockerTasks) describeService(ctx context.Context, name string) (*types.Service, error) {
	out, err := d.ecs.DescribeServices(ctx, &sdkecs.DescribeServicesInput{Cluster: aws.String(d.cluster), Services: []string{name}})
	if err != nil {
		return nil, fmt.Errorf("DescribeServices %s: %w", name, err)
	}
	if len(out.Services) != 1 {
		return nil, fmt.Errorf("DescribeServices %s: %d services, failures %+v", name, len(out.Services), out.Failures)
	}
	return &out.Services[0], nil
}

// waitService polls the service every 100 ms until cond holds, failing after within.
func (d *dockerTasks) waitService(t *testing.T, name, what string, within time.Duration, cond func(*types.Service) bool) *types.Service {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		s, err := d.describeService(tctx(t, 10*time.Second), name)
		if err != nil {
			t.Fatal(err)
		}
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("service %s not %s within %v:\n%s", name, what, within, d.serviceSummary(name))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stable is what `aws ecs wait services-stable` waits for, and a COMPLETED rollout.
func stable(s *types.Service) bool {
	return len(s.Deployments) == 1 && s.RunningCount == s.DesiredCount && s.PendingCount == 0 &&
		s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
}

// waitStable waits until the service is stable and returns it.
func (d *dockerTasks) waitStable(t *testing.T, name string, within time.Duration) *types.Service {
	t.Helper()
	return d.waitService(t, name, "stable", within, stable)
}

// serviceSummary prints what a failing test needs to see of a service: counts,
// deployments, events (oldest first) and its tasks.
func (d *dockerTasks) serviceSummary(name string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := d.describeService(ctx, name)
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "service %s: %s desired %d running %d pending %d taskDefinition %s\n", name, aws.ToString(s.Status),
		s.DesiredCount, s.RunningCount, s.PendingCount, aws.ToString(s.TaskDefinition))
	for _, dp := range s.Deployments {
		fmt.Fprintf(&b, "  deployment %s %s %s %q td %s desired %d running %d pending %d failed %d\n", aws.ToString(dp.Id),
			aws.ToString(dp.Status), dp.RolloutState, aws.ToString(dp.RolloutStateReason), lastPart(aws.ToString(dp.TaskDefinition)),
			dp.DesiredCount, dp.RunningCount, dp.PendingCount, dp.FailedTasks)
	}
	evs := eventMessages(s)
	for i := len(evs) - 1; i >= 0; i-- {
		fmt.Fprintf(&b, "  event: %s\n", evs[i])
	}
	for _, status := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
		arns, err := d.ecs.ListTasks(ctx, &sdkecs.ListTasksInput{Cluster: aws.String(d.cluster), ServiceName: aws.String(name), DesiredStatus: status})
		if err != nil {
			fmt.Fprintln(&b, err)
			continue
		}
		b.WriteString(d.summaries(arns.TaskArns))
	}
	return b.String()
}

func lastPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// eventMessages are the service's event messages, newest first.
func eventMessages(s *types.Service) []string {
	var out []string
	for _, e := range s.Events {
		out = append(out, aws.ToString(e.Message))
	}
	return out
}

// countEvents counts the events containing every one of parts.
func countEvents(s *types.Service, parts ...string) int {
	n := 0
	for _, m := range eventMessages(s) {
		if !slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(m, p) }) {
			n++
		}
	}
	return n
}

// serviceTasks lists and describes the service's tasks of a desired status.
func (d *dockerTasks) serviceTasks(t *testing.T, name string, status types.DesiredStatus) []types.Task {
	t.Helper()
	return d.serviceTasksCtx(tctx(t, 10*time.Second), t, name, status)
}

func (d *dockerTasks) serviceTasksCtx(ctx context.Context, t *testing.T, name string, status types.DesiredStatus) []types.Task {
	t.Helper()
	list, err := d.ecs.ListTasks(ctx, &sdkecs.ListTasksInput{Cluster: aws.String(d.cluster), ServiceName: aws.String(name), DesiredStatus: status})
	if err != nil {
		t.Errorf("ListTasks %s: %v", name, err)
		return nil
	}
	if len(list.TaskArns) == 0 {
		return nil
	}
	out, err := d.ecs.DescribeTasks(ctx, &sdkecs.DescribeTasksInput{Cluster: aws.String(d.cluster), Tasks: list.TaskArns})
	if err != nil || len(out.Tasks) != len(list.TaskArns) {
		t.Errorf("DescribeTasks of service %s: %v (%d of %d tasks)", name, err, len(out.Tasks), len(list.TaskArns))
		return nil
	}
	return out.Tasks
}

// localLB is one entry of GET /_ecsmini/loadbalancers.
type localLB struct {
	TargetGroupArn string   `json:"targetGroupArn"`
	Address        string   `json:"address"`
	Services       []string `json:"services"`
	Targets        []struct {
		ID, Addr, State, Reason string
		ActiveConns             int
	} `json:"targets"`
}

// loadBalancers lists ecsmini's local load balancers.
func (d *dockerTasks) loadBalancers(t *testing.T) []localLB {
	t.Helper()
	resp, err := http.Get("http://" + d.addr + ecsminiapi.LoadBalancersPath)
	if err != nil {
		t.Fatalf("GET %s: %v", ecsminiapi.LoadBalancersPath, err)
	}
	defer resp.Body.Close()
	var lbs []localLB
	if err := json.NewDecoder(resp.Body).Decode(&lbs); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s %v", ecsminiapi.LoadBalancersPath, resp.Status, err)
	}
	return lbs
}

// loadBalancer is the local load balancer of a target group, once it exists.
func (d *dockerTasks) loadBalancer(t *testing.T, tg string) localLB {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		for _, l := range d.loadBalancers(t) {
			if l.TargetGroupArn == tg {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no load balancer for %s in %s: %+v", tg, ecsminiapi.LoadBalancersPath, d.loadBalancers(t))
		}
	}
}

// taskContainer is the engine's ID of a task's running container.
func taskContainer(t *testing.T, taskARN, name string) string {
	t.Helper()
	id := dockerCLI(t, "ps", "-q", "--filter", "label=com.amazonaws.ecs.task-arn="+taskARN,
		"--filter", "label=com.amazonaws.ecs.container-name="+name)
	if id == "" || strings.Contains(id, "\n") {
		t.Fatalf("task %s: running container %s: %q", taskARN, name, id)
	}
	return id
}
