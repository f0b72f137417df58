package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// An EC2 task placed on a simulated instance says which one in ps.
func TestPsShowsContainerInstance(t *testing.T) {
	now := time.Date(2025, 1, 2, 15, 0, 0, 0, time.UTC)
	task := &ecs.Task{
		TaskArn: "arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef0123456789abcdef", ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/prod",
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/api:7", LastStatus: ecs.StatusRunning, DesiredStatus: ecs.StatusRunning,
		LaunchType: "EC2", ContainerInstanceArn: "arn:aws:ecs:us-east-1:000000000000:container-instance/prod/feedfacefeedfacefeedfacefeedface",
		CreatedAt: ecs.At(now.Add(-time.Minute)), Containers: []ecs.Container{{Name: "api", LastStatus: "RUNNING"}},
	}
	row := toPsRow(task, now)
	if row.ContainerInstance != "feedfacefeedfacefeedfacefeedface" {
		t.Errorf("row container instance = %q", row.ContainerInstance)
	}
	var b bytes.Buffer
	if err := printPs(&b, []psRow{row}, psOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "EC2 on feedfacefeed") {
		t.Errorf("ps does not name the instance:\n%s", b.String())
	}
}
