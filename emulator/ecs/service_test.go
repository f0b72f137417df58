package ecs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestServiceWire checks the arrays ECS always returns come out as [] and timestamps as
// epoch seconds, the two things AWS SDKs and Terraform trip on.
func TestServiceWire(t *testing.T) {
	s := Service{
		ServiceName: "web", Status: ServiceActive, SchedulingStrategy: SchedulingReplica,
		LoadBalancers: []LoadBalancer{}, ServiceRegistries: []ServiceRegistry{},
		Deployments: []Deployment{{ID: "ecs-svc/1", Status: DeploymentPrimary,
			RolloutState: RolloutInProgress, CreatedAt: At(time.Unix(1661210032, 602e6))}},
		Events: []ServiceEvent{}, PlacementConstraints: []PlacementConstraint{},
		PlacementStrategy: []PlacementStrategy{},
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"loadBalancers":[]`, `"events":[]`, `"placementStrategy":[]`,
		`"createdAt":1661210032.602`, `"rolloutState":"IN_PROGRESS"`, `"failedTasks":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}
