//go:build docker

package cli

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceConnectBridgeOnDocker: Service Connect with bridge-mode tasks on a
// simulated EC2 instance. A bridge server service (two tasks, port "http" 8080 with a
// dynamic host port, alias api:80) is reached through its alias from an awsvpc client
// task and from a bridge client task, each answered by both server tasks; the bridge
// client reaches an awsvpc server (alias db:80) too; and the bridge server's port is
// still published on its instance's loopback address, as bridge mode does.
func TestServiceConnectBridgeOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "scb-"+randomHex(t)[:6])
	if out := cli(t, d.addr, false, "instance", "add", "--cluster", d.cluster, "--type", "t3.medium"); !strings.Contains(out, "added i-") {
		t.Fatalf("instance add: %s", out)
	}
	named := func(cd types.ContainerDefinition) types.ContainerDefinition {
		cd.PortMappings[0].Name, cd.PortMappings[0].AppProtocol = aws.String("http"), types.ApplicationProtocolHttp
		return cd
	}
	server := func(alias string) func(*sdkecs.CreateServiceInput) {
		return func(in *sdkecs.CreateServiceInput) {
			in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local"),
				Services: []types.ServiceConnectService{{PortName: aws.String("http"),
					ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String(alias)}}}}}
		}
	}
	clientOnly := func(in *sdkecs.CreateServiceInput) {
		in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local")}
	}
	onEC2 := func(in *sdkecs.CreateServiceInput) { in.LaunchType, in.NetworkConfiguration = types.LaunchTypeEc2, nil }

	d.createService(t, "api", d.register(t, ec2("scb-api", types.NetworkModeBridge, named(d.web("app")))), 2, server("api"), onEC2)
	d.createService(t, "db", d.register(t, fargate("scb-db", named(d.web("app")))), 1, server("db"))
	d.createService(t, "web", d.register(t, ec2("scb-web", types.NetworkModeBridge, d.workloadDef("app"))), 1, clientOnly, onEC2)
	d.createService(t, "front", d.register(t, fargate("scb-front", d.workloadDef("app"))), 1, clientOnly)
	for _, s := range []string{"api", "db", "web", "front"} {
		d.waitStable(t, s, 2*time.Minute)
	}
	arns := func(service string) []string {
		var out []string
		for _, tk := range d.serviceTasks(t, service, types.DesiredStatusRunning) {
			out = append(out, aws.ToString(tk.TaskArn))
		}
		slices.Sort(out)
		return out
	}
	servers, dbs := arns("api"), arns("db")
	if len(servers) != 2 || len(dbs) != 1 {
		t.Fatalf("api tasks %v, db tasks %v", servers, dbs)
	}

	// Each client reaches each alias, answered by every task of the server service.
	for _, c := range []struct{ client, url string }{
		{"front", "http://api/"}, // awsvpc → bridge
		{"web", "http://api/"},   // bridge → bridge
		{"web", "http://db/"},    // bridge → awsvpc
	} {
		want := servers
		if c.url == "http://db/" {
			want = dbs
		}
		client := taskContainer(t, arns(c.client)[0], "app")
		seen := map[string]bool{}
		deadline := time.Now().Add(45 * time.Second)
		for {
			out, err := probeIn(client, c.url)
			if m := taskARNOnPage.FindStringSubmatch(out); err == nil && m != nil {
				seen[m[1]] = true
			}
			all := true
			for _, w := range want {
				all = all && seen[w]
			}
			if all {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s from the %s task: answered by %v, want %v (last: %v)\n%s\n%s", c.url, c.client, seen, want, err, out, d.out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}

	// The bridge server's port mapping is still published on its instance's loopback
	// address, on a dynamic host port.
	for _, tk := range d.serviceTasks(t, "api", types.DesiredStatusRunning) {
		b := containerOf(t, &tk, "app").NetworkBindings
		if len(b) != 1 || aws.ToInt32(b[0].HostPort) == 0 || aws.ToInt32(b[0].HostPort) == 8080 || !strings.HasPrefix(aws.ToString(b[0].BindIP), "127.") {
			t.Fatalf("api task %s bindings %+v, want a dynamic host port on the instance's loopback address", aws.ToString(tk.TaskArn), b)
		}
		page := get(t, fmt.Sprintf("http://%s:%d/", aws.ToString(b[0].BindIP), aws.ToInt32(b[0].HostPort)))
		if m := taskARNOnPage.FindStringSubmatch(page); m == nil || m[1] != aws.ToString(tk.TaskArn) {
			t.Errorf("the published port of %s answered\n%s", aws.ToString(tk.TaskArn), page)
		}
	}
}

// probeIn GETs url with `ecsmini workload probe` in a running container.
func probeIn(container, url string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", "exec", container, "/ecsmini", "workload", "probe", "--print", "--timeout", "5s", url)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}
