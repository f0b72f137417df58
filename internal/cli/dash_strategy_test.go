package cli

import (
	"testing"

	"github.com/ecsmini/ecsmini/tui"
)

// TestDashSourceReadsRolloutStages: while a BLUE_GREEN service deploys, the dashboard's
// source gives it the lifecycle stage of its service deployment record in progress,
// through to the bake; a rolling service gets none.
func TestDashSourceReadsRolloutStages(t *testing.T) {
	addr, _, dc := dashSetup(t)
	for _, c := range []struct{ op, body string }{
		{"CreateService", `{"cluster":"dash","serviceName":"bg","taskDefinition":"job","desiredCount":1,"launchType":"FARGATE",
			"deploymentConfiguration":{"strategy":"BLUE_GREEN","bakeTimeInMinutes":30},
			"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`},
		{"RegisterTaskDefinition", `{"family":"job","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"],"environment":[{"name":"V","value":"2"}]}]}`},
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
	if status, m := call(t, addr, "UpdateService", `{"cluster":"dash","service":"bg","taskDefinition":"job:2"}`); status != 200 {
		t.Fatalf("UpdateService: %d %v", status, m)
	}
	s := waitSnapshot(t, dc, src, "bg baking", func(s *tui.Snapshot) bool {
		return dashCluster(s).Rollouts["bg"].LifecycleStage == "BAKE_TIME"
	})
	if r, ok := dashCluster(s).Rollouts["web"]; ok {
		t.Errorf("the rolling service has a rollout: %+v", r)
	}
}
