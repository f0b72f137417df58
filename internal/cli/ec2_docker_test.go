//go:build docker

package cli

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestEC2InstancesOnDocker: a service on simulated EC2 instances runs real containers
// that carry their instance's identity, one per instance under distinctInstance, and
// answers on its ports; draining an instance moves its task to another.
func TestEC2InstancesOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "ec2-"+randomHex(t))
	for _, az := range []string{"us-east-1a", "us-east-1b", "us-east-1c"} {
		if out := cli(t, d.addr, false, "instance", "add", "--cluster", d.cluster, "--type", "t3.small", "--az", az); !strings.Contains(out, "added i-") {
			t.Fatalf("instance add: %s", out)
		}
	}
	td := d.register(t, ec2("ec2-web", types.NetworkModeBridge, d.web("app")))
	d.createService(t, "web", td, 2, func(in *sdkecs.CreateServiceInput) {
		in.LaunchType, in.NetworkConfiguration = types.LaunchTypeEc2, nil
		in.PlacementConstraints = []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}
	})
	d.waitService(t, "web", "runs 2 tasks", 60*time.Second, func(s *types.Service) bool { return s.RunningCount == 2 })
	hosts := map[string]bool{}
	for _, tk := range d.serviceTasks(t, "web", types.DesiredStatusRunning) {
		ci := aws.ToString(tk.ContainerInstanceArn)
		if ci == "" || hosts[ci] {
			t.Fatalf("task %s on instance %q (distinctInstance; seen %v)", aws.ToString(tk.TaskArn), ci, hosts)
		}
		hosts[ci] = true
		ids, err := taskContainers(aws.ToString(tk.TaskArn))
		if err != nil || ids == "" {
			t.Fatalf("containers of %s: %q %v", aws.ToString(tk.TaskArn), ids, err)
		}
		id := strings.Fields(ids)[0]
		if got := dockerCLI(t, "inspect", "--format", `{{index .Config.Labels "ecsmini.container-instance"}}`, id); strings.TrimSpace(got) != ci {
			t.Errorf("container %s label ecsmini.container-instance = %q, want %s", id, got, ci)
		}
		// Its ports are published on its instance's own loopback address.
		b := containerOf(t, &tk, "app").NetworkBindings[0]
		addr := fmt.Sprintf("%s:%d", aws.ToString(b.BindIP), aws.ToInt32(b.HostPort))
		if !strings.HasPrefix(addr, "127.") || strings.HasPrefix(addr, "127.0.0.1:") {
			t.Errorf("task on %s publishes on %s, want its instance's own loopback address", ci, addr)
		}
		if body := get(t, "http://"+addr+"/health"); body == "" {
			t.Errorf("task on %s does not answer on %s", ci, addr)
		}
	}

	// Drain one of the instances: its task moves to the third.
	var drained string
	for ci := range hosts {
		drained = ci
		break
	}
	if _, err := d.ecs.UpdateContainerInstancesState(tctx(t, 10*time.Second), &sdkecs.UpdateContainerInstancesStateInput{
		Cluster: aws.String(d.cluster), ContainerInstances: []string{drained}, Status: types.ContainerInstanceStatusDraining}); err != nil {
		t.Fatal(err)
	}
	d.waitService(t, "web", "moves its task off the drained instance", 90*time.Second, func(s *types.Service) bool {
		running := d.serviceTasks(t, "web", types.DesiredStatusRunning)
		if s.RunningCount != 2 || len(running) != 2 {
			return false
		}
		for _, tk := range running {
			if aws.ToString(tk.ContainerInstanceArn) == drained || aws.ToString(tk.LastStatus) != "RUNNING" {
				return false
			}
		}
		return true
	})
	if out := cli(t, d.addr, false, "instance", "ls", "--cluster", d.cluster); !strings.Contains(out, "DRAINING") {
		t.Errorf("instance ls does not show the drained instance:\n%s", out)
	}

	// Two instances both hold static host port 18081, each on its own loopback address.
	cd := d.web("static")
	cd.PortMappings[0].HostPort = aws.Int32(18081)
	tasks := d.waitRunning(t, 60*time.Second, d.run(t, ec2("ec2-static", types.NetworkModeBridge, cd), 2, func(in *sdkecs.RunTaskInput) {
		in.PlacementConstraints = []types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}
	})...)
	addrs := map[string]bool{}
	for _, tk := range tasks {
		b := containerOf(t, &tk, "static").NetworkBindings[0]
		addr := fmt.Sprintf("%s:%d", aws.ToString(b.BindIP), aws.ToInt32(b.HostPort))
		if aws.ToInt32(b.HostPort) != 18081 || addrs[addr] || !strings.HasPrefix(aws.ToString(b.BindIP), "127.") {
			t.Fatalf("task %s publishes on %s (seen %v)", aws.ToString(tk.TaskArn), addr, addrs)
		}
		addrs[addr] = true
		if body := get(t, "http://"+addr+"/health"); body == "" {
			t.Errorf("nothing answers on %s", addr)
		}
	}
}
