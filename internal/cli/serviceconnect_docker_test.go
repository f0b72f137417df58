//go:build docker

package cli

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

var taskARNOnPage = regexp.MustCompile(`"TaskARN": "([^"]+)"`)

// TestServiceConnectOnDocker runs a Service Connect server service (two tasks, port
// "http" 8080 as appProtocol http, client alias api:80, registered in Cloud Map) and a
// client-only service on Docker. From the client task's container, http://api/ is
// answered by both server tasks through the proxy in the client's pause container;
// the Cloud Map name resolves to both tasks; and when a server task stops, requests keep
// succeeding (the proxy retries on another task) until its replacement answers too.
func TestServiceConnectOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "sc-"+randomHex(t)[:6])
	server := d.web("app")
	server.PortMappings[0].Name, server.PortMappings[0].AppProtocol = aws.String("http"), types.ApplicationProtocolHttp
	api := d.register(t, fargate("sc-api", server))
	web := d.register(t, fargate("sc-web", d.workloadDef("app")))
	const registry = "arn:aws:servicediscovery:us-east-1:000000000000:service/api.cloudmap.local"
	d.createService(t, "api", api, 2, func(in *sdkecs.CreateServiceInput) {
		in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local"),
			Services: []types.ServiceConnectService{{PortName: aws.String("http"),
				ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String("api")}}}}}
		in.ServiceRegistries = []types.ServiceRegistry{{RegistryArn: aws.String(registry), Port: aws.Int32(8080)}}
	})
	d.createService(t, "web", web, 1, func(in *sdkecs.CreateServiceInput) {
		in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local")}
	})
	d.waitStable(t, "api", 2*time.Minute)
	d.waitStable(t, "web", 2*time.Minute)
	client := taskContainer(t, aws.ToString(d.serviceTasks(t, "web", types.DesiredStatusRunning)[0].TaskArn), "app")
	inClient := func(args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, "docker", append([]string{"exec", client, "/ecsmini", "workload"}, args...)...)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	get := func() (string, error) {
		out, err := inClient("probe", "--print", "--timeout", "5s", "http://api/")
		if err != nil {
			return out, err
		}
		m := taskARNOnPage.FindStringSubmatch(out)
		if m == nil {
			return out, errNoTaskARN
		}
		return m[1], nil
	}
	running := func() []string {
		var arns []string
		for _, tk := range d.serviceTasks(t, "api", types.DesiredStatusRunning) {
			arns = append(arns, aws.ToString(tk.TaskArn))
		}
		slices.Sort(arns)
		return arns
	}
	answeredBy := func(want []string, within time.Duration) {
		t.Helper()
		seen := map[string]bool{}
		deadline := time.Now().Add(within)
		for {
			arn, err := get()
			if err == nil {
				seen[arn] = true
			}
			all := true
			for _, w := range want {
				all = all && seen[w]
			}
			if all {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("http://api/ from the client task: answered by %v, want %v (last: %v %s)\n%s", seen, want, err, arn, d.out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	servers := running()
	if len(servers) != 2 {
		t.Fatalf("api tasks %v", servers)
	}
	answeredBy(servers, 30*time.Second)

	out, err := inClient("lookup", "api.cloudmap.local")
	if err != nil || len(strings.Fields(out)) != 2 {
		t.Fatalf("lookup api.cloudmap.local from the client: %q %v", out, err)
	}

	if _, err := d.ecs.StopTask(tctx(t, 10*time.Second), &sdkecs.StopTaskInput{Cluster: aws.String(d.cluster), Task: aws.String(servers[0])}); err != nil {
		t.Fatal(err)
	}
	// Every request in the next seconds succeeds, answered by the task left.
	for i := range 15 {
		arn, err := get()
		if err != nil {
			t.Fatalf("request %d after a server task stopped: %v %s", i, err, arn)
		}
		if arn == servers[0] && i > 5 {
			t.Errorf("request %d still answered by the stopped task", i)
		}
		time.Sleep(200 * time.Millisecond)
	}
	d.waitStable(t, "api", 2*time.Minute)
	now := running()
	if slices.Contains(now, servers[0]) || len(now) != 2 {
		t.Fatalf("after the replacement: %v (stopped %s)", now, servers[0])
	}
	answeredBy(now, 30*time.Second)
}

var errNoTaskARN = errorString("the page names no task")

type errorString string

func (e errorString) Error() string { return string(e) }
