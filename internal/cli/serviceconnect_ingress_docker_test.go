//go:build docker

package cli

import (
	"bytes"
	"context"
	"net"
	"os/exec"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceConnectIngressOverrideOnDocker: a server service with ingressPortOverride
// 15000 is reached through its alias (the client's proxy sends to the server tasks'
// port 15000, where each server task's own proxy listens and forwards to the container
// port 8080), and the override port answers directly at the task's address.
func TestServiceConnectIngressOverrideOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "sci-"+randomHex(t)[:6])
	server := d.web("app")
	server.PortMappings[0].Name, server.PortMappings[0].AppProtocol = aws.String("http"), types.ApplicationProtocolHttp
	api := d.register(t, fargate("sci-api", server))
	web := d.register(t, fargate("sci-web", d.workloadDef("app")))
	d.createService(t, "api", api, 1, func(in *sdkecs.CreateServiceInput) {
		in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local"),
			Services: []types.ServiceConnectService{{PortName: aws.String("http"), IngressPortOverride: aws.Int32(15000),
				ClientAliases: []types.ServiceConnectClientAlias{{Port: aws.Int32(80), DnsName: aws.String("api")}}}}}
	})
	d.createService(t, "web", web, 1, func(in *sdkecs.CreateServiceInput) {
		in.ServiceConnectConfiguration = &types.ServiceConnectConfiguration{Enabled: true, Namespace: aws.String("demo.local")}
	})
	d.waitStable(t, "api", 2*time.Minute)
	d.waitStable(t, "web", 2*time.Minute)
	client := taskContainer(t, aws.ToString(d.serviceTasks(t, "web", types.DesiredStatusRunning)[0].TaskArn), "app")
	srv := d.serviceTasks(t, "api", types.DesiredStatusRunning)[0]
	ip := ""
	for _, det := range srv.Attachments[0].Details {
		if aws.ToString(det.Name) == "privateIPv4Address" {
			ip = aws.ToString(det.Value)
		}
	}
	probe := func(url string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		var out bytes.Buffer
		cmd := exec.CommandContext(ctx, "docker", "exec", client, "/ecsmini", "workload", "probe", "--print", "--timeout", "5s", url)
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	for _, url := range []string{"http://api/", "http://" + net.JoinHostPort(ip, "15000") + "/"} {
		deadline := time.Now().Add(30 * time.Second)
		for {
			out, err := probe(url)
			m := taskARNOnPage.FindStringSubmatch(out)
			if err == nil && m != nil && m[1] == aws.ToString(srv.TaskArn) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s from the client task: %v %s\n%s", url, err, out, d.out)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
