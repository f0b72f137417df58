package httpapi_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A task's version counts its changes (spec: ecs-tasks-and-fargate §1.4): a container
// waiting a minute for its dependency, while the agent looks every second, leaves the
// version where it was.
func TestVersionCountsChangesOnly(t *testing.T) {
	e := newTaskEnv(t)
	e.createCluster(t, "work")
	migrate := withEssential(cdef("migrate", 64, map[string]string{"exit-after": "1m"}), false)
	tk := e.runOne(t, "work", ec2Def("app", migrate, dependsOn(cdef("app", 128, nil), "migrate", types.ContainerConditionComplete)))
	arn := aws.ToString(tk.TaskArn)
	waiting := e.eventually(t, arn, "migrate running", func(tk *types.Task) bool {
		return aws.ToString(container(t, tk, "migrate").LastStatus) == "RUNNING"
	})
	for range 10 {
		e.clock.Advance(time.Second)
		e.stillAfter(t, arn, "unchanged", func(tk *types.Task) bool { return tk.Version == waiting.Version })
	}
	e.advanceUntil(t, arn, "RUNNING", time.Second, 2*time.Minute, func(tk *types.Task) bool {
		return aws.ToString(tk.LastStatus) == "RUNNING"
	})
}
