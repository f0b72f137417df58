package tui

import (
	"testing"
)

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name, line, want, state string
	}{
		{"task stopped by Spot",
			`{"version":"0","id":"1","detail-type":"ECS Task State Change","source":"aws.ecs","time":"2026-11-22T10:00:05Z","resources":["arn:aws:ecs:us-east-1:000000000000:task/demo/5f2b648076f702245084ae5f37334be8"],"detail":{"clusterArn":"arn:aws:ecs:us-east-1:000000000000:cluster/demo","lastStatus":"RUNNING","desiredStatus":"STOPPED","group":"service:web","capacityProviderName":"FARGATE_SPOT","stopCode":"SpotInterruption","stoppedReason":"Your Spot Task was interrupted.","containers":[{"name":"web"}]}}`,
			"10:00:05 task       task 5f2b6480            RUNNING→STOPPED service:web on FARGATE_SPOT SpotInterruption: Your Spot Task was interrupted.", "RUNNING→STOPPED"},
		{"exit codes",
			`{"detail-type":"ECS Task State Change","time":"2026-11-22T10:00:05Z","resources":["arn:aws:ecs:us-east-1:000000000000:task/demo/abc"],"detail":{"lastStatus":"STOPPED","desiredStatus":"STOPPED","stopCode":"EssentialContainerExited","containers":[{"name":"app","exitCode":3}]}}`,
			"10:00:05 task       task abc                 STOPPED EssentialContainerExited app exit 3", "STOPPED→STOPPED"},
		{"deployment",
			`{"detail-type":"ECS Deployment State Change","time":"2026-11-22T10:00:05Z","resources":["arn:aws:ecs:us-east-1:000000000000:service/demo/web"],"detail":{"eventType":"INFO","eventName":"SERVICE_DEPLOYMENT_COMPLETED","deploymentId":"ecs-svc/123","reason":"ECS deployment ecs-svc/123 completed."}}`,
			"10:00:05 deployment service web              SERVICE_DEPLOYMENT_COMPLETED ecs-svc/123: ECS deployment ecs-svc/123 completed.", "SERVICE_DEPLOYMENT_COMPLETED"},
		{"retirement notice",
			`{"detail-type":"AWS Health Event","time":"2026-11-22T10:00:05Z","resources":["demo/web"],"detail":{"eventTypeCode":"AWS_ECS_TASK_PATCHING_RETIREMENT","startTime":"Sun, 29 Nov 2026 10:00:05 GMT","affectedEntities":[{"entityValue":"demo/web"}]}}`,
			"10:00:05 health     demo/web                 AWS_ECS_TASK_PATCHING_RETIREMENT at 2026-11-29 10:00 for demo/web", ""},
		{"instance",
			`{"detail-type":"ECS Container Instance State Change","time":"2026-11-22T10:00:05Z","resources":["arn:aws:ecs:us-east-1:000000000000:container-instance/demo/i1"],"detail":{"ec2InstanceId":"i-0abc","status":"DRAINING"}}`,
			"10:00:05 instance   container-instance i1    i-0abc DRAINING", "DRAINING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseEvent([]byte(tt.line))
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.Line(); got != tt.want {
				t.Errorf("line\n got %q\nwant %q", got, tt.want)
			}
			if ev.State != tt.state {
				t.Errorf("state %q, want %q", ev.State, tt.state)
			}
		})
	}
	if _, err := ParseEvent([]byte("not json")); err == nil {
		t.Error("ParseEvent accepted a line that is not JSON")
	}
}
