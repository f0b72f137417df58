package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator"
)

func tdARN(family string, rev int) string {
	return arn(fmt.Sprintf("task-definition/%s:%d", family, rev))
}

func (e *env) deregister(t testing.TB, ref string) *types.TaskDefinition {
	t.Helper()
	return must[*sdkecs.DeregisterTaskDefinitionOutput](t)(e.ecs.DeregisterTaskDefinition(ctx(t), &sdkecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(ref)})).TaskDefinition
}

func (e *env) deleteTD(t testing.TB, refs ...string) *sdkecs.DeleteTaskDefinitionsOutput {
	t.Helper()
	return must[*sdkecs.DeleteTaskDefinitionsOutput](t)(e.ecs.DeleteTaskDefinitions(ctx(t), &sdkecs.DeleteTaskDefinitionsInput{TaskDefinitions: refs}))
}

func (e *env) describeTD(ref string, include ...types.TaskDefinitionField) (*sdkecs.DescribeTaskDefinitionOutput, error) {
	return e.ecs.DescribeTaskDefinition(context.Background(), &sdkecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(ref), Include: include})
}

func TestRegisterTaskDefinitionRevisions(t *testing.T) {
	e := newEnv(t)
	for want := 1; want <= 3; want++ {
		td := e.register(t, "web")
		if int(td.Revision) != want || aws.ToString(td.TaskDefinitionArn) != tdARN("web", want) || td.Status != types.TaskDefinitionStatusActive {
			t.Fatalf("revision %d: got %d %s %s", want, td.Revision, aws.ToString(td.TaskDefinitionArn), td.Status)
		}
		if !td.RegisteredAt.Equal(testStart) || aws.ToString(td.RegisteredBy) != "arn:aws:iam::"+account+":root" {
			t.Fatalf("registeredAt %v by %s", td.RegisteredAt, aws.ToString(td.RegisteredBy))
		}
	}
	// Deregister and delete the latest revision: the next one is still 4.
	e.clock.Advance(time.Minute)
	if d := e.deregister(t, "web:3"); d.Status != types.TaskDefinitionStatusInactive || !d.DeregisteredAt.Equal(testStart.Add(time.Minute)) {
		t.Fatalf("deregistered = %s at %v", d.Status, d.DeregisteredAt)
	}
	if del := e.deleteTD(t, "web:3"); len(del.TaskDefinitions) != 1 || del.TaskDefinitions[0].Status != types.TaskDefinitionStatusDeleteInProgress || del.TaskDefinitions[0].DeleteRequestedAt == nil {
		t.Fatalf("delete = %+v", del)
	}
	if td := e.register(t, "web"); td.Revision != 4 {
		t.Fatalf("after delete: revision %d, want 4", td.Revision)
	}
	// Once the deleted revision is purged, numbering still continues.
	e.advance(t, emulator.TaskDefinitionDeleteGrace+time.Second)
	_, err := e.describeTD("web:3")
	if err == nil {
		t.Fatal("web:3 was not purged")
	}
	assertAPIError(t, err, "ClientException", "Unable to describe task definition.")
	if td := e.register(t, "web"); td.Revision != 5 {
		t.Fatalf("after purge: revision %d, want 5", td.Revision)
	}
}

func TestRegisterTaskDefinitionWire(t *testing.T) {
	e := newEnv(t)
	in := &sdkecs.RegisterTaskDefinitionInput{
		Family:                  aws.String("fg"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		NetworkMode:             types.NetworkModeAwsvpc,
		Cpu:                     aws.String("1 vCPU"),
		Memory:                  aws.String("2GB"),
		Tags:                    []types.Tag{tag("app", "fg")},
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("nginx"),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}},
		}},
	}
	out := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), in))
	td := out.TaskDefinition
	if aws.ToString(td.Cpu) != "1024" || aws.ToString(td.Memory) != "2048" {
		t.Fatalf("cpu/memory not normalised: %s/%s", aws.ToString(td.Cpu), aws.ToString(td.Memory))
	}
	if !strings.Contains(fmt.Sprint(td.Compatibilities), "FARGATE") || tagMap(out.Tags)["app"] != "fg" {
		t.Fatalf("compatibilities %v tags %v", td.Compatibilities, out.Tags)
	}
	if pm := td.ContainerDefinitions[0].PortMappings[0]; aws.ToInt32(pm.HostPort) != 80 {
		t.Fatalf("awsvpc hostPort not defaulted to containerPort: %+v", pm)
	}

	big := minimalTaskDef("big")
	big.ContainerDefinitions[0].Command = []string{strings.Repeat("x", 70<<10)}
	for _, tc := range []struct {
		name string
		in   *sdkecs.RegisterTaskDefinitionInput
		msgs []string
	}{
		{"family invalid", minimalTaskDef("bad family"), []string{"Family contains invalid characters."}},
		{"empty containers", &sdkecs.RegisterTaskDefinitionInput{Family: aws.String("x"), ContainerDefinitions: []types.ContainerDefinition{}}, []string{"Container list cannot be empty."}},
		{"fargate cpu/memory table", &sdkecs.RegisterTaskDefinitionInput{
			Family: aws.String("x"), RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, NetworkMode: types.NetworkModeAwsvpc,
			Cpu: aws.String("256"), Memory: aws.String("4096"),
			ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("i")}},
		}, []string{"No Fargate configuration exists for given values: 256 CPU, 4096 memory."}},
		{"all problems in one message", &sdkecs.RegisterTaskDefinitionInput{
			Family: aws.String("x"), RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate}, NetworkMode: types.NetworkModeBridge,
			ContainerDefinitions: []types.ContainerDefinition{
				{Name: aws.String("a"), Essential: aws.Bool(false)},
				{Name: aws.String("b"), Image: aws.String("i"), Essential: aws.Bool(false), DependsOn: []types.ContainerDependency{{ContainerName: aws.String("ghost"), Condition: types.ContainerConditionStart}}},
			},
		}, []string{"Fargate only supports network mode ‘awsvpc’.", "Fargate requires that 'cpu' be defined at the task level.",
			"Container.image should not be null or empty.", "Task definition doesn't have any essential container.", "Cannot depend on container + 'ghost'"}},
		{"over 64 KiB", big, []string{"Max allowed length is '65536' bytes."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.RegisterTaskDefinition(ctx(t), tc.in)
			for _, m := range tc.msgs {
				assertAPIError(t, err, "ClientException", m)
			}
		})
	}
	t.Run("reserved tag", func(t *testing.T) {
		in := minimalTaskDef("x")
		in.Tags = []types.Tag{tag("aws:x", "y")}
		_, err := e.ecs.RegisterTaskDefinition(ctx(t), in)
		assertAPIError(t, err, "InvalidParameterException", "reserved")
	})
}

func TestDescribeTaskDefinition(t *testing.T) {
	e := newEnv(t)
	in := minimalTaskDef("api")
	in.Tags = []types.Tag{tag("owner", "me")}
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), in))
	e.register(t, "api")
	e.register(t, "api")
	e.deregister(t, "api:3")
	for _, tc := range []struct {
		name    string
		ref     string
		include []types.TaskDefinitionField
		rev     int32
		tags    int
	}{
		{name: "family is latest ACTIVE", ref: "api", rev: 2},
		{name: "family:revision", ref: "api:1", rev: 1},
		{name: "INACTIVE revision by number", ref: "api:3", rev: 3},
		{name: "ARN", ref: tdARN("api", 2), rev: 2},
		{name: "include TAGS", ref: "api:1", include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}, rev: 1, tags: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := e.describeTD(tc.ref, tc.include...)
			if err != nil {
				t.Fatal(err)
			}
			if out.TaskDefinition.Revision != tc.rev || len(out.Tags) != tc.tags {
				t.Fatalf("revision %d tags %v", out.TaskDefinition.Revision, out.Tags)
			}
		})
	}
	for _, tc := range []struct{ name, ref, code, msg string }{
		{"unknown family", "ghost", "ClientException", "Unable to describe task definition."},
		{"unknown revision", "api:9", "ClientException", "Unable to describe task definition."},
		{"non-numeric revision", "api:x", "InvalidParameterException", "Invalid revision number. Number: x"},
		{"blank", "", "ClientException", "can not be blank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.describeTD(tc.ref)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestDeregisterAndDeleteTaskDefinitions(t *testing.T) {
	e := newEnv(t)
	for range 3 {
		e.register(t, "job")
	}
	if d := e.deregister(t, tdARN("job", 1)); d.Status != types.TaskDefinitionStatusInactive {
		t.Fatalf("status %s", d.Status)
	}
	if d := e.deregister(t, "job:1"); d.Status != types.TaskDefinitionStatusInactive {
		t.Fatalf("second deregister: status %s", d.Status)
	}
	for _, tc := range []struct{ name, ref, code, msg string }{
		{"bare family", "job", "ClientException", "Revision is missing."},
		{"unknown", "job:99", "ClientException", "Unable to describe task definition."},
	} {
		t.Run("deregister "+tc.name, func(t *testing.T) {
			_, err := e.ecs.DeregisterTaskDefinition(ctx(t), &sdkecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(tc.ref)})
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}

	out := e.deleteTD(t, "job:1", "job:2", "job:42", "job")
	if len(out.TaskDefinitions) != 1 || out.TaskDefinitions[0].Revision != 1 || out.TaskDefinitions[0].Status != types.TaskDefinitionStatusDeleteInProgress {
		t.Fatalf("deleted = %+v", out.TaskDefinitions)
	}
	want := map[string]string{
		tdARN("job", 2):  "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
		tdARN("job", 42): "The specified task definition does not exist. Specify a valid account, family, revision and try again.",
		"job":            "The specified task definition identifier is invalid. Specify a valid name or ARN and try again.",
	}
	if len(out.Failures) != len(want) {
		t.Fatalf("failures = %+v", out.Failures)
	}
	for _, f := range out.Failures {
		if want[aws.ToString(f.Arn)] != aws.ToString(f.Reason) {
			t.Errorf("failure %s: %q", aws.ToString(f.Arn), aws.ToString(f.Reason))
		}
	}
	// Deleting again is idempotent.
	if again := e.deleteTD(t, tdARN("job", 1)); len(again.TaskDefinitions) != 1 || len(again.Failures) != 0 {
		t.Fatalf("second delete = %+v", again)
	}
	for _, tc := range []struct {
		name string
		refs []string
		msg  string
	}{
		{"empty", []string{}, "size of TaskDefinition references list must be greater than 0"},
		{"eleven", strings.Split("a:1 a:2 a:3 a:4 a:5 a:6 a:7 a:8 a:9 a:10 a:11", " "), "Size of TaskDefinition references list cannot exceed 10"},
	} {
		t.Run("delete "+tc.name, func(t *testing.T) {
			_, err := e.ecs.DeleteTaskDefinitions(ctx(t), &sdkecs.DeleteTaskDefinitionsInput{TaskDefinitions: tc.refs})
			assertAPIError(t, err, "InvalidParameterException", tc.msg)
		})
	}
}

func TestTaskDefinitionOfAnotherAccount(t *testing.T) {
	e := newEnv(t)
	e.register(t, "mine")
	e.deregister(t, "mine:1")
	foreign := "arn:aws:ecs:us-east-1:111111111111:task-definition/mine:1"
	_, err := e.describeTD(foreign)
	assertAPIError(t, err, "ClientException", "Unable to describe task definition.")
	_, err = e.ecs.DeregisterTaskDefinition(ctx(t), &sdkecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(foreign)})
	assertAPIError(t, err, "ClientException", "Unable to describe task definition.")
	if out := e.deleteTD(t, foreign); len(out.TaskDefinitions) != 0 || len(out.Failures) != 1 {
		t.Fatalf("deleting another account's revision: %+v", out)
	}
	if td, _ := e.describeTD("mine:1"); td.TaskDefinition.Status != types.TaskDefinitionStatusInactive {
		t.Fatalf("our revision changed: %s", td.TaskDefinition.Status)
	}
}

func TestConcurrentRegistrations(t *testing.T) {
	e := newEnv(t)
	const n = 40
	revs := make(chan int32, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			out, err := e.ecs.RegisterTaskDefinition(context.Background(), minimalTaskDef("race"))
			if err != nil {
				t.Error(err)
				return
			}
			revs <- out.TaskDefinition.Revision
		})
	}
	wg.Wait()
	close(revs)
	seen := map[int32]bool{}
	for r := range revs {
		if seen[r] || r < 1 || r > n {
			t.Fatalf("revision %d repeated or out of range", r)
		}
		seen[r] = true
	}
	if len(seen) != n {
		t.Fatalf("%d distinct revisions, want %d", len(seen), n)
	}
}
