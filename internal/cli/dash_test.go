package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/tui"
)

// dashSetup starts ecsmini on the simulated runtime with a cluster "dash" (Spot
// capacity), a task definition and a service "web" of two tasks.
func dashSetup(t *testing.T) (addr string, out *syncBuffer, dc *drivenClock) {
	t.Helper()
	addr, out, dc = startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	for _, c := range []struct{ op, body string }{
		{"CreateCluster", `{"clusterName":"dash","capacityProviders":["FARGATE","FARGATE_SPOT"]}`},
		{"RegisterTaskDefinition", `{"family":"job","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"]}]}`},
		{"CreateService", `{"cluster":"dash","serviceName":"web","taskDefinition":"job","desiredCount":2,
			"capacityProviderStrategy":[{"capacityProvider":"FARGATE_SPOT","weight":1}],
			"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`},
	} {
		if status, m := call(t, addr, c.op, c.body); status != 200 {
			t.Fatalf("%s: %d %v", c.op, status, m)
		}
	}
	return addr, out, dc
}

// waitSnapshot moves the driven clock until ok accepts a snapshot (at most ten minutes
// of emulator time).
func waitSnapshot(t *testing.T, dc *drivenClock, src *dashSource, what string, ok func(*tui.Snapshot) bool) *tui.Snapshot {
	t.Helper()
	var s *tui.Snapshot
	dc.eventually(t, 10*time.Minute, "a snapshot with "+what, func() bool {
		var err error
		if s, err = src.Snapshot(context.Background()); err != nil {
			t.Fatal(err)
		}
		return ok(s)
	})
	return s
}

func dashCluster(s *tui.Snapshot) *tui.ClusterState {
	for i := range s.Clusters {
		if s.Clusters[i].Cluster.ClusterName == "dash" {
			return &s.Clusters[i]
		}
	}
	return nil
}

func running(c *tui.ClusterState) int {
	n := 0
	for _, t := range c.Tasks {
		if t.LastStatus.String() == "RUNNING" && t.DesiredStatus.String() == "RUNNING" {
			n++
		}
	}
	return n
}

// TestDashSourceAndActions: the dashboard's adapter reads a running ecsmini and its
// actions reach it through the API a user would call.
func TestDashSourceAndActions(t *testing.T) {
	addr, out, dc := dashSetup(t)
	src := newDashSource("http://" + addr)
	act := dashActions{src: src}
	ctx := context.Background()
	s := waitSnapshot(t, dc, src, "two running tasks", func(s *tui.Snapshot) bool { c := dashCluster(s); return c != nil && running(c) == 2 })
	c := dashCluster(s)
	if s.Scale != 1 || s.Now.IsZero() || len(c.Services) != 1 || c.SpotAvailable == nil || !*c.SpotAvailable || c.Cost == nil {
		t.Fatalf("snapshot: scale %v now %v services %d spot %v cost %v", s.Scale, s.Now, len(c.Services), c.SpotAvailable, c.Cost)
	}

	events, err := src.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := act.ScaleService(ctx, "dash", "web", 3); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, dc, src, "three running tasks", func(s *tui.Snapshot) bool { return running(dashCluster(s)) == 3 })

	victim := c.Tasks[0].TaskArn
	if err := act.InterruptSpot(ctx, "dash", victim); err != nil {
		t.Fatal(err)
	}
	at, err := act.Retire(ctx, "dash", "web", "")
	if err != nil || at.Before(s.Now.Add(6*24*time.Hour)) {
		t.Fatalf("Retire: %v %v", at, err)
	}
	if err := act.AdvanceClock(ctx, "1m"); err != nil {
		t.Fatal(err)
	}
	if err := act.SetSpotCapacity(ctx, "dash", false); err != nil {
		t.Fatal(err)
	}
	if err := act.ForceNewDeployment(ctx, "dash", "web"); err != nil {
		t.Fatal(err)
	}
	if err := act.StopTask(ctx, "dash", "no-such-task", "test"); err == nil {
		t.Error("stopping a task that does not exist succeeded")
	}
	waitSnapshot(t, dc, src, "Spot capacity off and the retirement", func(s *tui.Snapshot) bool {
		c := dashCluster(s)
		return c.SpotAvailable != nil && !*c.SpotAvailable && len(s.Retirements) > 0
	})

	// A simulated Auto Scaling group: its instances boot (30 s on the emulator's clock)
	// and show with their group.
	two := 2
	if _, err := src.c.CreateASG(ctx, emulator.ASGRequest{Name: "dash-asg", Cluster: "dash", InstanceType: "m5.large",
		MinSize: &two, DesiredCapacity: &two}); err != nil {
		t.Fatal(err)
	}
	// The control loop launches them on its next pass: move the clock only once they
	// are booting, or they would start their 30 s after the minute has passed.
	waitSnapshot(t, dc, src, "the group's two instances booting", func(s *tui.Snapshot) bool {
		c := dashCluster(s)
		return len(c.ASGs) == 1 && c.ASGs[0].Booting+c.ASGs[0].Instances == 2
	})
	if err := act.AdvanceClock(ctx, "1m"); err != nil {
		t.Fatal(err)
	}
	s = waitSnapshot(t, dc, src, "the group's two instances", func(s *tui.Snapshot) bool {
		c := dashCluster(s)
		return len(c.ASGs) == 1 && len(c.Instances) == 2 && c.Instances[0].ASG == "dash-asg" && c.Instances[0].CPU.Registered > 0
	})
	in := dashCluster(s).Instances[0]
	if err := act.SetInstanceState(ctx, "dash", in.ARN, "DRAINING"); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, dc, src, "a draining instance", func(s *tui.Snapshot) bool {
		for _, i := range dashCluster(s).Instances {
			if i.ARN == in.ARN {
				return i.Status == "DRAINING"
			}
		}
		return false
	})
	// Instances added and terminated from the dashboard; a Spot notice needs a Spot one.
	if err := act.AddInstance(ctx, "dash", "c5.large", "us-east-1c"); err != nil {
		t.Fatal(err)
	}
	s = waitSnapshot(t, dc, src, "the added instance", func(s *tui.Snapshot) bool {
		for _, i := range dashCluster(s).Instances {
			if i.InstanceType == "c5.large" && i.AvailabilityZone == "us-east-1c" {
				return true
			}
		}
		return false
	})
	var added tui.Instance
	for _, i := range dashCluster(s).Instances {
		if i.InstanceType == "c5.large" {
			added = i
		}
	}
	if err := act.InterruptSpotInstance(ctx, "dash", added.ARN); err == nil || !strings.Contains(err.Error(), "not a Spot instance") {
		t.Errorf("Spot notice to an on-demand instance: %v", err)
	}
	if err := act.TerminateInstance(ctx, "dash", added.ARN); err != nil {
		t.Fatal(err)
	}
	waitSnapshot(t, dc, src, "the terminated instance gone", func(s *tui.Snapshot) bool {
		for _, i := range dashCluster(s).Instances {
			if i.ARN == added.ARN {
				return false
			}
		}
		return true
	})

	seen := map[string]bool{}
	deadline := time.After(10 * time.Second)
	for !seen["SpotInterruption"] || !seen["health"] {
		select {
		case ev := <-events:
			if strings.Contains(ev.Summary, "SpotInterruption") {
				seen["SpotInterruption"] = true
			}
			if !ev.RetireAt.IsZero() {
				seen["health"] = true
			}
		case <-deadline:
			t.Fatalf("events seen: %v", seen)
		}
	}
	// up's own output (not a terminal) has a plain line per change.
	for _, want := range []string{"task ", "RUNNING", "SpotInterruption"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("up's plain lines lack %q:\n%s", want, out)
		}
	}
}

func TestDashCommand(t *testing.T) {
	var out bytes.Buffer
	if code := Main([]string{"dash", "--endpoint", "http://127.0.0.1:1"}, &out, &out); code == 0 || !strings.Contains(out.String(), "no ecsmini answers at http://127.0.0.1:1") {
		t.Errorf("dash with nothing there: exit %d, %q", code, out.String())
	}
	for _, args := range [][]string{{"up", "-o", "yaml"}, {"dash", "--output", "yaml"}} {
		out.Reset()
		if code := Main(args, &out, &out); code == 0 || !strings.Contains(out.String(), `want text or json, not "yaml"`) {
			t.Errorf("%q: exit %d, %q", args, code, out.String())
		}
	}
	addr, _, dc := dashSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	var got syncBuffer
	done := make(chan error, 1)
	go func() {
		_, err := runDashboardOrLines(ctx, "http://"+addr, &got, &got, dashOptions{Output: "json"})
		done <- err
	}()
	waitCtx, stopWaiting := context.WithTimeout(ctx, 10*time.Second)
	defer stopWaiting()
	// Two followers: up's own plain lines and the dashboard's JSON lines.
	if err := dc.emu.Load().Events().WaitSubscribers(waitCtx, 2); err != nil {
		t.Fatalf("the dashboard never followed the events: %v", err)
	}
	if status, m := call(t, addr, "UpdateService", `{"cluster":"dash","service":"web","desiredCount":1}`); status != 200 {
		t.Fatalf("UpdateService: %v", m)
	}
	dc.advance(t, time.Minute)
	got.await(t, 0, 10*time.Second, "JSON events", func(s string) bool { return strings.Contains(s, `"detail-type":"ECS Task State Change"`) })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := runDashboardOrLines(context.Background(), "http://"+addr, &got, &got, dashOptions{Output: "yaml"}); err == nil {
		t.Error("--output yaml accepted")
	}
}

// TestDashLeavesOutDeletedClusters: a deleted cluster, which ListClusters still names
// (INACTIVE) for a while as ECS does, is not shown on the dashboard.
func TestDashLeavesOutDeletedClusters(t *testing.T) {
	addr, _, _ := startDriven(t, upOptions{runtime: "sim", stateDir: t.TempDir()})
	for _, c := range []struct{ op, body string }{
		{"CreateCluster", `{"clusterName":"kept"}`},
		{"CreateCluster", `{"clusterName":"gone"}`},
		{"DeleteCluster", `{"cluster":"gone"}`},
	} {
		if status, m := call(t, addr, c.op, c.body); status != 200 {
			t.Fatalf("%s: %d %v", c.op, status, m)
		}
	}
	if status, m := call(t, addr, "ListClusters", `{}`); status != 200 || len(m["clusterArns"].([]any)) != 2 {
		t.Fatalf("ListClusters: %d %v", status, m)
	}
	s, err := newDashSource("http://" + addr).Snapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Clusters) != 1 || s.Clusters[0].Cluster.ClusterName != "kept" {
		t.Fatalf("dashboard clusters: %+v", s.Clusters)
	}
}
