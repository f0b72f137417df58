package servicectl

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
)

func TestTargetGroupName(t *testing.T) {
	for _, tt := range []struct{ arn, want string }{
		{"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef", "web"},
		{"arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/api", "api"},
		{"not-an-arn", "not-an-arn"},
	} {
		if got := targetGroupName(tt.arn); got != tt.want {
			t.Errorf("targetGroupName(%q) = %q, want %q", tt.arn, got, tt.want)
		}
	}
}

func TestPrivateIP(t *testing.T) {
	eni := ecs.Attachment{Details: []ecs.KeyValuePair{{Name: ecs.Ptr("subnetId"), Value: ecs.Ptr("subnet-1")},
		{Name: ecs.Ptr("privateIPv4Address"), Value: ecs.Ptr("10.0.0.7")}}}
	for _, tt := range []struct {
		name string
		task *ecs.Task
		want string
	}{
		{"awsvpc task", &ecs.Task{Attachments: []ecs.Attachment{eni}}, "10.0.0.7"},
		{"no attachment", &ecs.Task{}, ""},
	} {
		if got := privateIP(tt.task); got != tt.want {
			t.Errorf("%s: privateIP = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestUserTags holds that the aws: tags ECS manages are not propagated from a service.
func TestUserTags(t *testing.T) {
	got := userTags([]ecs.Tag{{Key: ecs.Ptr("team"), Value: ecs.Ptr("a")}, {Key: ecs.Ptr("aws:ecs:serviceName"), Value: ecs.Ptr("web")},
		{Key: ecs.Ptr("AWS:x"), Value: ecs.Ptr("y")}})
	if len(got) != 1 || ecs.Deref(got[0].Key) != "team" {
		t.Errorf("userTags = %v, want only team", got)
	}
}

func TestTaskDefKeyOf(t *testing.T) {
	got := taskDefKeyOf("arn:aws:ecs:eu-west-1:000000000000:task-definition/web:12")
	if want := state.Key("eu-west-1", "web", state.RevKey(12)); got != want {
		t.Errorf("taskDefKeyOf = %q, want %q", got, want)
	}
}
