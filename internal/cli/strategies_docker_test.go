//go:build docker

package cli

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestCanaryOnDocker is the docker tier of the deployment strategies: a CANARY
// deployment of a web service whose tasks are real containers, watched by a client
// that opens a new connection through the production port for every request. It sees
// only blue, then the canary share, then only green, and no request fails. Without a
// Docker Engine the test fails.
func TestCanaryOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second).inCluster(t, "canary-"+randomHex(t))
	const name = "web"
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-" + randomHex(t) + "/" + randomHex(t) + randomHex(t)
	alt := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-test-" + randomHex(t) + "/" + randomHex(t) + randomHex(t)
	v1 := d.register(t, fargate("svc-canary", d.web("app", "--log", "blue")))
	d.createService(t, name, v1, 2, func(in *sdkecs.CreateServiceInput) {
		in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080),
			AdvancedConfiguration: &types.AdvancedConfiguration{AlternateTargetGroupArn: aws.String(alt),
				ProductionListenerRule: aws.String("arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/web/1/2/3")}}}
		in.DeploymentConfiguration = &types.DeploymentConfiguration{Strategy: types.DeploymentStrategyCanary, BakeTimeInMinutes: aws.Int32(0),
			CanaryConfiguration: &types.CanaryConfiguration{CanaryPercent: aws.Float64(20), CanaryBakeTimeInMinutes: aws.Int32(1)}}
	})
	d.waitStable(t, name, 90*time.Second)
	oldTasks := d.serviceTasks(t, name, types.DesiredStatusRunning)
	old := arnsOf(oldTasks)
	bal := d.loadBalancer(t, tg)

	h := &hammer{url: "http://" + bal.Address + "/", done: make(chan struct{}), keep: &http.Transport{Proxy: nil}}
	h.wg.Add(1)
	go h.loop(&http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}, 5*time.Millisecond)
	t.Cleanup(h.stop)
	h.waitServed(t, old, 10*time.Second)

	v2 := d.register(t, fargate("svc-canary", d.web("app", "--log", "green")))
	if _, err := d.ecs.UpdateService(tctx(t, 10*time.Second), &sdkecs.UpdateServiceInput{Cluster: aws.String(d.cluster),
		Service: aws.String(name), TaskDefinition: aws.String(v2)}); err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	updated := time.Now()
	var canaryAt, fullAt, doneAt time.Time
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(5 * time.Minute)
	for doneAt.IsZero() {
		select {
		case <-deadline:
			t.Fatalf("no SUCCESSFUL deployment within 5 minutes:\n%s", d.serviceSummary(name))
		case <-tick.C:
		}
		out, err := d.ecs.ListServiceDeployments(tctx(t, 5*time.Second), &sdkecs.ListServiceDeploymentsInput{Cluster: aws.String(d.cluster), Service: aws.String(name)})
		if err != nil || len(out.ServiceDeployments) == 0 {
			continue
		}
		arn := out.ServiceDeployments[0].ServiceDeploymentArn
		sd, err := d.ecs.DescribeServiceDeployments(tctx(t, 5*time.Second), &sdkecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(arn)}})
		if err != nil || len(sd.ServiceDeployments) != 1 {
			continue
		}
		rec, now := sd.ServiceDeployments[0], time.Now()
		switch {
		case rec.Status == types.ServiceDeploymentStatusSuccessful:
			doneAt = now
		case rec.LifecycleStage == types.ServiceDeploymentLifecycleStageProductionTrafficShift && canaryAt.IsZero():
			canaryAt = now
		case rec.LifecycleStage != types.ServiceDeploymentLifecycleStageProductionTrafficShift && !canaryAt.IsZero() && fullAt.IsZero():
			fullAt = now
		}
	}
	if canaryAt.IsZero() || fullAt.IsZero() {
		t.Fatalf("the canary stage was not seen (canary %v, full %v)", canaryAt, fullAt)
	}
	d.waitStopped(t, 30*time.Second, oldTasks...)
	end := time.Now()
	h.waitServedSince(t, arnsOf(d.serviceTasks(t, name, types.DesiredStatusRunning)), end, 10*time.Second)
	h.stop()

	const margin = time.Second // the record is polled; the weights change at the pass
	before := h.revisionsBetween(time.Time{}, updated)
	canary := h.revisionsBetween(canaryAt.Add(margin), fullAt.Add(-margin))
	after := h.revisionsBetween(fullAt.Add(margin), time.Now())
	total, failed, failures := h.result()
	t.Logf("UpdateService to SUCCESSFUL %v; %d requests, %d failed; before %v, canary %v, after %v",
		doneAt.Sub(updated).Round(100*time.Millisecond), total, failed, before, canary, after)
	r1, r2 := revisionOf(v1), revisionOf(v2)
	if failed > 0 {
		t.Errorf("%d of %d requests failed across the cut-over:\n%s", failed, total, strings.Join(failures, "\n"))
	}
	if before[r2] != 0 || before[r1] == 0 {
		t.Errorf("before the shift: %v, want only revision %s", before, r1)
	}
	if n := canary[r1] + canary[r2]; n < 50 || canary[r2]*100 < n*10 || canary[r2]*100 > n*30 {
		t.Errorf("during the canary: %v, want about 20%% on revision %s", canary, r2)
	}
	if after[r1] != 0 || after[r2] == 0 {
		t.Errorf("after the shift: %v, want only revision %s", after, r2)
	}
}

// revisionsBetween counts the answers by revision for requests sent in (from, to).
func (h *hammer) revisionsBetween(from, to time.Time) map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, a := range h.answers {
		if a.sent.After(from) && a.sent.Before(to) {
			out[a.revision]++
		}
	}
	return out
}
