//go:build docker

package cli

import (
	"context"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// What a task can reach of ecsmini (README, Security): awsvpc and bridge tasks reach
// their metadata and credentials endpoints and nothing else (the API listens on
// loopback, and the metadata listener on their gateway serves no ecsmini endpoint);
// host-network tasks share the host's loopback and so reach the whole API: they are
// trusted, as the README says.
func TestWhatTasksReachOfEcsmini(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startDockerUp(t, image, t.TempDir(), "reach-"+randomHex(t))
	_, apiPort, _ := net.SplitHostPort(d.addr)
	tasks := d.waitRunning(t, 60*time.Second,
		d.run(t, fargate("reach-awsvpc", d.workloadDef("app")), 1)[0],
		d.run(t, ec2("reach-bridge", types.NetworkModeBridge, d.workloadDef("app")), 1)[0],
		d.run(t, ec2("reach-host", types.NetworkModeHost, d.workloadDef("app")), 1)[0])
	for _, tk := range tasks {
		app := aws.ToString(containerOf(t, &tk, "app").RuntimeId)
		probe := func(u string) error {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return exec.CommandContext(ctx, "docker", "exec", app, "/ecsmini", "workload", "probe", "--timeout", "2s", u).Run()
		}
		mode := aws.ToString(tk.Group)
		env := containerEnv(t, app)
		metadataURI := env["ECS_CONTAINER_METADATA_URI_V4"]
		meta, err := url.Parse(metadataURI)
		if metadataURI == "" || err != nil {
			t.Fatalf("%s: ECS_CONTAINER_METADATA_URI_V4 %q", mode, metadataURI)
		}
		t.Run(strings.TrimPrefix(mode, "family:"), func(t *testing.T) {
			if err := probe(metadataURI + "/task"); err != nil {
				t.Errorf("the task cannot read its own metadata at %s: %v", metadataURI, err)
			}
			if err := probe("http://" + meta.Host + "/_ecsmini/health"); err == nil {
				t.Errorf("the metadata listener %s serves ecsmini's own endpoints", meta.Host)
			}
			if strings.HasSuffix(mode, "reach-host") {
				// Host networking shares the host's loopback: the task is trusted.
				if err := probe("http://127.0.0.1:" + apiPort + "/_ecsmini/health"); err != nil {
					t.Errorf("a host-network task does not reach the API on loopback: %v", err)
				}
				return
			}
			for _, host := range []string{"127.0.0.1", hostAsTaskSeesIt(t, app, meta.Hostname())} {
				if err := probe("http://" + net.JoinHostPort(host, apiPort) + "/_ecsmini/health"); err == nil {
					t.Errorf("the task reaches the API at %s:%s", host, apiPort)
				}
			}
		})
	}
}

// hostAsTaskSeesIt is the gateway of the container's network (of its pause container
// for awsvpc), else fallback (the metadata URI's host, which is that gateway for bridge).
func hostAsTaskSeesIt(t *testing.T, id, fallback string) string {
	t.Helper()
	if mode := dockerCLI(t, "inspect", "-f", "{{.HostConfig.NetworkMode}}", id); strings.HasPrefix(mode, "container:") {
		id = strings.TrimPrefix(mode, "container:")
	}
	gw := dockerCLI(t, "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.Gateway}} {{end}}", id)
	if f := strings.Fields(gw); len(f) > 0 && net.ParseIP(f[0]) != nil {
		return f[0]
	}
	return fallback
}
