package agent

import (
	"maps"
	"testing"
)

var specTestTask = TaskInfo{
	ARN:         "arn:aws:ecs:us-east-1:000000000000:task/dev/0123456789abcdef0123456789abcdef",
	ID:          "0123456789abcdef0123456789abcdef",
	ClusterName: "dev",
	ClusterARN:  "arn:aws:ecs:us-east-1:000000000000:cluster/dev",
	Family:      "web",
	Revision:    3,
	LaunchType:  "FARGATE",
	NetworkMode: "awsvpc",
	Region:      "us-east-1",
	Account:     "000000000000",
}

func TestContainerLabels(t *testing.T) {
	user := map[string]string{
		"app":                             "shop",
		LabelTaskARN:                      "spoofed",
		LabelCluster:                      "spoofed",
		LabelContainerName:                "spoofed",
		"com.amazonaws.ecs.custom":        "kept",
		LabelManaged:                      "false",
		"ecsmini.anything":                "dropped",
		LabelTaskDefVersion:               "99",
		"com.amazonaws.ecs.task-def-typo": "kept too",
	}
	before := maps.Clone(user)
	task := specTestTask
	task.StateDir = "/home/me/.ecsmini"
	got := ContainerLabels(task, "app", user)
	want := map[string]string{
		"app":                             "shop",
		"com.amazonaws.ecs.custom":        "kept",
		"com.amazonaws.ecs.task-def-typo": "kept too",
		LabelCluster:                      "dev",
		LabelTaskARN:                      specTestTask.ARN,
		LabelContainerName:                "app",
		LabelTaskDefFamily:                "web",
		LabelTaskDefVersion:               "3",
		LabelClusterARN:                   specTestTask.ClusterARN,
		LabelECSMiniTaskARN:               specTestTask.ARN,
		LabelECSMiniContainer:             "app",
		LabelManaged:                      "true",
		LabelStateDir:                     "/home/me/.ecsmini",
	}
	if !maps.Equal(got, want) {
		t.Errorf("labels\n got %v\nwant %v", got, want)
	}
	if !maps.Equal(user, before) {
		t.Errorf("dockerLabels mutated: %v", user)
	}
	if _, ok := TaskLabels(specTestTask)[LabelStateDir]; ok {
		t.Errorf("state-dir label set without a state dir")
	}
	if _, ok := TaskLabels(specTestTask)[LabelContainerName]; ok {
		t.Errorf("task labels carry a container name")
	}
	if _, ok := TaskLabels(specTestTask)[LabelContainerInstance]; ok {
		t.Errorf("a task on no instance carries a container-instance label")
	}
	placed := specTestTask
	placed.ContainerInstanceARN = "arn:aws:ecs:us-east-1:000000000000:container-instance/c/abc"
	if got := TaskLabels(placed)[LabelContainerInstance]; got != placed.ContainerInstanceARN {
		t.Errorf("container-instance label = %q, want the instance ARN", got)
	}
}

func TestDockerName(t *testing.T) {
	tests := []struct {
		task      TaskInfo
		container string
		want      string
	}{
		{specTestTask, "app", "ecs-web-3-app-0123456789abcdef0123456789abcdef"},
		{TaskInfo{Family: "my_fam", Revision: 12, ID: "abc"}, "side-car", "ecs-my_fam-12-side-car-abc"},
		{TaskInfo{Family: "a b/c", Revision: 1, ID: "x"}, "é", "ecs-a-b-c-1---x"},
	}
	for _, tt := range tests {
		if got := DockerName(tt.task, tt.container); got != tt.want {
			t.Errorf("DockerName(%s, %s) = %q, want %q", tt.task.Family, tt.container, got, tt.want)
		}
	}
}

// The simulator's behaviour directives (ecsmini.sim/...) are user input meant for the
// runtime: they must reach it, unlike the reserved ecsmini.* link labels.
func TestContainerLabelsKeepSimDirectives(t *testing.T) {
	l := ContainerLabels(TaskInfo{ARN: "arn:aws:ecs:r:1:task/c/abc"}, "main", map[string]string{
		"ecsmini.sim/exit-code": "3", "ecsmini.task-arn": "forged", "ecsmini.managed": "false",
	})
	if l["ecsmini.sim/exit-code"] != "3" {
		t.Errorf("sim directive dropped: %v", l)
	}
	if l["ecsmini.task-arn"] != "arn:aws:ecs:r:1:task/c/abc" || l["ecsmini.managed"] != "true" {
		t.Errorf("reserved labels overridden: %v", l)
	}
}
