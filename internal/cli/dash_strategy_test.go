package cli

import (
	"time"

	"testing"

	"github.com/ecsmini/ecsmini/tui"
)

// TestDashSourceReadsRolloutStages: while a BLUE_GREEN service deploys, the dashboard's
// source gives it the lifecycle stage of its service deployment record in progress,
// through to the bake; a rolling service gets none.
func TestDashSourceReadsRolloutStages(t *testing.T) {
	addr, _, dc := dashSetup(t)
	def := func(v string) string {
		return `{"family":"job","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"],"portMappings":[{"containerPort":80}],"environment":[{"name":"V","value":"` + v + `"}]}]}`
	}
	for _, c := range []struct{ op, body string }{
		{"RegisterTaskDefinition", def("1")},
		{"CreateService", `{"cluster":"dash","serviceName":"bg","taskDefinition":"job","desiredCount":1,"launchType":"FARGATE",
			"deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":30},
			"loadBalancers":[{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/bg/1","containerName":"app","containerPort":80}],
			"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`},
		{"RegisterTaskDefinition", def("2")},
	} {
		if status, m := call(t, addr, c.op, c.body); status != 200 {
			t.Fatalf("%s: %d %v", c.op, status, m)
		}
	}
	src := newDashSource("http://" + addr)
	waitSnapshot(t, dc, src, "bg running", func(s *tui.Snapshot) bool {
		for _, svc := range dashCluster(s).Services {
			if svc.ServiceName == "bg" {
				return svc.RunningCount == 1 && len(svc.Deployments) == 1 && svc.Deployments[0].RolloutState == "COMPLETED"
			}
		}
		return false
	})
	if status, m := call(t, addr, "UpdateService", `{"cluster":"dash","service":"bg","taskDefinition":"job","forceNewDeployment":true}`); status != 200 {
		t.Fatalf("UpdateService: %d %v", status, m)
	}
	// The stage comes from the deployment record and the bake's end from the load
	// balancer, read one after the other: a snapshot taken across the pass that
	// started the bake can have the one without the other, the next has both.
	s := waitSnapshot(t, dc, src, "bg baking", func(s *tui.Snapshot) bool {
		r := dashCluster(s).Rollouts["bg"]
		return r.LifecycleStage == "BAKE_TIME" && !r.BakeEnds.IsZero()
	})
	if end := dashCluster(s).Rollouts["bg"].BakeEnds; !end.After(s.Now) || end.Sub(s.Now) > 30*time.Minute {
		t.Errorf("bake ends %v at %v, want within the 30 minutes of bakeTimeInMinutes", end, s.Now)
	}
	if r, ok := dashCluster(s).Rollouts["web"]; ok {
		t.Errorf("the rolling service has a rollout: %+v", r)
	}
}
