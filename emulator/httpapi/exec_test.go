package httpapi_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const execNotEnabled = "The execute command failed because execute command was not enabled when the task was run or the execute command agent isn’t running."

// runExecTask runs a task of def with enableExecuteCommand as asked and waits for RUNNING.
func (e *taskEnv) runExecTask(t *testing.T, def *sdkecs.RegisterTaskDefinitionInput, enable bool) *types.Task {
	t.Helper()
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), def))
	tk := e.run(t, &sdkecs.RunTaskInput{TaskDefinition: td.TaskDefinition.TaskDefinitionArn, EnableExecuteCommand: enable})[0]
	return e.status(t, aws.ToString(tk.TaskArn), "RUNNING")
}

func TestExecuteCommandOpensASession(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runExecTask(t, ec2Def("shell", cdef("app", 128, nil)), true)
	c := tk.Containers[0]
	switch {
	case !tk.EnableExecuteCommand:
		t.Fatal("enableExecuteCommand not reported")
	case aws.ToString(c.RuntimeId) == "":
		t.Fatal("containers[].runtimeId is empty; the AWS CLI needs it")
	case len(c.ManagedAgents) != 1 || c.ManagedAgents[0].Name != types.ManagedAgentNameExecuteCommandAgent ||
		aws.ToString(c.ManagedAgents[0].LastStatus) != "RUNNING" || c.ManagedAgents[0].LastStartedAt == nil:
		t.Fatalf("managedAgents = %+v, want ExecuteCommandAgent RUNNING with lastStartedAt", c.ManagedAgents)
	}
	out, err := e.ecs.ExecuteCommand(ctx(t), &sdkecs.ExecuteCommandInput{Cluster: aws.String("default"), Task: tk.TaskArn,
		Container: aws.String("app"), Command: aws.String("/bin/sh -c 'echo hi'"), Interactive: true})
	if err != nil {
		t.Fatal(err)
	}
	s := out.Session
	u, err := url.Parse(aws.ToString(s.StreamUrl))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := url.Parse(e.srv.URL)
	switch {
	case !strings.HasPrefix(aws.ToString(s.SessionId), "ecs-execute-command-"):
		t.Errorf("sessionId %q", aws.ToString(s.SessionId))
	case u.Scheme != "ws" || u.Host != srv.Host || u.Path != ecs.ExecDataChannelPath+aws.ToString(s.SessionId):
		t.Errorf("streamUrl %q is not a ws:// URL of this listener's data channel", aws.ToString(s.StreamUrl))
	case len(aws.ToString(s.TokenValue)) < 32:
		t.Errorf("tokenValue %q", aws.ToString(s.TokenValue))
	case aws.ToString(out.TaskArn) != aws.ToString(tk.TaskArn) || aws.ToString(out.ContainerName) != "app" ||
		aws.ToString(out.ContainerArn) != aws.ToString(c.ContainerArn) || !out.Interactive || aws.ToString(out.ClusterArn) != arn("cluster/default"):
		t.Errorf("ExecuteCommand answered %+v", out)
	}
	target, err := e.emu.OpenExecSession(aws.ToString(s.SessionId), aws.ToString(s.TokenValue), func() {})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/bin/sh", "-c", "echo hi"}; strings.Join(target.Command, "|") != strings.Join(want, "|") ||
		target.RuntimeID != aws.ToString(c.RuntimeId) || target.Logging != ecs.ExecLoggingDefault {
		t.Errorf("session target %+v", target)
	}
	if _, err := e.emu.OpenExecSession(aws.ToString(s.SessionId), aws.ToString(s.TokenValue), func() {}); err == nil {
		t.Error("a session token was accepted twice")
	}
}

func TestExecuteCommandRefusals(t *testing.T) {
	e := newTaskEnv(t)
	enabled := e.runExecTask(t, ec2Def("two", cdef("app", 128, nil), cdef("side", 64, nil)), true)
	disabled := e.runExecTask(t, ec2Def("plain", cdef("app", 128, nil)), false)
	stopping := e.runExecTask(t, ec2Def("stopping", cdef("app", 128, map[string]string{"exit-after": "1s"})), true)
	e.clock.Advance(2 * time.Second)
	stopped := e.status(t, aws.ToString(stopping.TaskArn), "STOPPED")
	if a := disabled.Containers[0].ManagedAgents; len(a) != 0 {
		t.Errorf("a task without enableExecuteCommand reports managedAgents %+v", a)
	}
	if a := stopped.Containers[0].ManagedAgents; len(a) != 1 || aws.ToString(a[0].LastStatus) != "STOPPED" {
		t.Errorf("stopped task's managedAgents = %+v, want STOPPED", a)
	}
	tests := []struct {
		name        string
		task        *types.Task
		container   string
		interactive bool
		code, msg   string
	}{
		{"not enabled at launch", disabled, "app", true, "InvalidParameterException", execNotEnabled},
		{"not interactive", enabled, "app", false, "InvalidParameterException", "Interactive is the only mode supported currently."},
		{"container not running", stopped, "app", true, "InvalidParameterException", execNotEnabled},
		{"several containers, none named", enabled, "", true, "InvalidParameterException", "more than one container"},
		{"unknown container", enabled, "nope", true, "InvalidParameterException", "The container nope does not exist"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &sdkecs.ExecuteCommandInput{Task: tc.task.TaskArn, Command: aws.String("sh"), Interactive: tc.interactive}
			if tc.container != "" {
				in.Container = aws.String(tc.container)
			}
			_, err := e.ecs.ExecuteCommand(ctx(t), in)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestSSMSessionOperations(t *testing.T) {
	e := newTaskEnv(t)
	tk := e.runExecTask(t, ec2Def("shell", cdef("app", 128, nil)), true)
	out := must[*sdkecs.ExecuteCommandOutput](t)(e.ecs.ExecuteCommand(ctx(t), &sdkecs.ExecuteCommandInput{Task: tk.TaskArn,
		Command: aws.String("sh"), Interactive: true}))
	id := aws.ToString(out.Session.SessionId)

	r := raw(t, e.srv.URL, "AmazonSSM.ResumeSession", `{"SessionId":"`+id+`"}`)
	if r.status != 200 || r.body["SessionId"] != id || r.body["TokenValue"] == aws.ToString(out.Session.TokenValue) ||
		!strings.HasPrefix(r.body["StreamUrl"].(string), "ws://") {
		t.Fatalf("ResumeSession: %d %v", r.status, r.body)
	}
	if _, err := e.emu.OpenExecSession(id, aws.ToString(out.Session.TokenValue), func() {}); err == nil {
		t.Error("the token replaced by ResumeSession still opens the session")
	}
	cancelled := false
	if _, err := e.emu.OpenExecSession(id, r.body["TokenValue"].(string), func() { cancelled = true }); err != nil {
		t.Fatal(err)
	}
	if r := raw(t, e.srv.URL, "AmazonSSM.ResumeSession", `{"SessionId":"`+id+`"}`); r.status != 400 || r.body["__type"] != ecs.CodeDoesNotExist {
		t.Errorf("ResumeSession of an open session: %d %v", r.status, r.body)
	}
	if r := raw(t, e.srv.URL, "AmazonSSM.TerminateSession", `{"SessionId":"`+id+`"}`); r.status != 200 || r.body["SessionId"] != id {
		t.Fatalf("TerminateSession: %d %v", r.status, r.body)
	}
	if !cancelled {
		t.Error("TerminateSession did not end the open session")
	}
	if r := raw(t, e.srv.URL, "AmazonSSM.StartSession", `{}`); r.status != 400 || r.body["__type"] != ecs.CodeUnknownOperation {
		t.Errorf("StartSession: %d %v", r.status, r.body)
	}
}

// A service with enableExecuteCommand starts its tasks with it: they report the agent
// and accept ExecuteCommand.
func TestServiceTasksAcceptExecuteCommand(t *testing.T) {
	e := newServiceEnv(t)
	td := e.register(t, "web")
	if _, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{ServiceName: aws.String("web"),
		TaskDefinition: td.TaskDefinitionArn, DesiredCount: aws.Int32(1), EnableExecuteCommand: true}); err != nil {
		t.Fatalf("CreateService: %v", err)
	}
	e.eventuallyService(t, "default", "web", "runs a task", func(s types.Service) bool { return s.RunningCount == 1 })
	arns := must[*sdkecs.ListTasksOutput](t)(e.ecs.ListTasks(ctx(t), &sdkecs.ListTasksInput{ServiceName: aws.String("web")})).TaskArns
	tk := e.status(t, arns[0], "RUNNING")
	if a := tk.Containers[0].ManagedAgents; !tk.EnableExecuteCommand || len(a) != 1 || aws.ToString(a[0].LastStatus) != "RUNNING" {
		t.Fatalf("service task: enableExecuteCommand %v, managedAgents %+v", tk.EnableExecuteCommand, a)
	}
	if _, err := e.ecs.ExecuteCommand(ctx(t), &sdkecs.ExecuteCommandInput{Task: tk.TaskArn, Command: aws.String("sh"), Interactive: true}); err != nil {
		t.Fatalf("ExecuteCommand into a service task: %v", err)
	}
}
