package httpapi_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Task scale-in protection (spec §5.11; research §6): the API, and the scheduler
// leaving protected tasks alone on scale-in and deployments until protection expires.

func (e *taskEnv) sxProtect(t testing.TB, cluster string, enabled bool, minutes *int32, tasks ...string) *sdkecs.UpdateTaskProtectionOutput {
	t.Helper()
	out, err := e.ecs.UpdateTaskProtection(ctx(t), &sdkecs.UpdateTaskProtectionInput{Cluster: aws.String(cluster),
		Tasks: tasks, ProtectionEnabled: enabled, ExpiresInMinutes: minutes})
	if err != nil {
		t.Fatalf("UpdateTaskProtection: %v", err)
	}
	return out
}

func (e *taskEnv) sxGetProtection(t testing.TB, cluster string, tasks ...string) *sdkecs.GetTaskProtectionOutput {
	t.Helper()
	out, err := e.ecs.GetTaskProtection(ctx(t), &sdkecs.GetTaskProtectionInput{Cluster: aws.String(cluster), Tasks: tasks})
	if err != nil {
		t.Fatalf("GetTaskProtection: %v", err)
	}
	return out
}

func TestServiceTaskProtectionAPI(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("web"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(2)})
	ts := e.sxEventuallyTasks(t, "c1", "web", "2 RUNNING", func(ts []types.Task) bool { return len(sxRunning(ts)) == 2 })
	a, b := aws.ToString(ts[0].TaskArn), aws.ToString(ts[1].TaskArn)
	standalone := e.run(t, &sdkecs.RunTaskInput{Cluster: aws.String("c1"), TaskDefinition: aws.String(td)})[0]
	unknown := arn("task/c1/0123456789abcdef0123456789abcdef")

	e.clock.Advance(time.Minute)
	now := e.clock.Now()
	// Default expiry: 120 minutes.
	out := e.sxProtect(t, "c1", true, nil, a)
	if len(out.ProtectedTasks) != 1 || len(out.Failures) != 0 {
		t.Fatalf("protect: %+v failures %+v", out.ProtectedTasks, out.Failures)
	}
	p := out.ProtectedTasks[0]
	if aws.ToString(p.TaskArn) != a || !p.ProtectionEnabled || p.ExpirationDate == nil || !p.ExpirationDate.Equal(now.Add(120*time.Minute)) {
		t.Errorf("default protection %s enabled %v expires %v, want %v", aws.ToString(p.TaskArn), p.ProtectionEnabled, p.ExpirationDate, now.Add(120*time.Minute))
	}
	// The maximum, 2880 minutes (48 h); a standalone task and an unknown one fail.
	out = e.sxProtect(t, "c1", true, aws.Int32(2880), b, aws.ToString(standalone.TaskArn), unknown)
	if len(out.ProtectedTasks) != 1 || aws.ToString(out.ProtectedTasks[0].TaskArn) != b ||
		!out.ProtectedTasks[0].ExpirationDate.Equal(now.Add(48*time.Hour)) {
		t.Errorf("48 h protection: %+v", out.ProtectedTasks)
	}
	wantFailures := map[string]string{aws.ToString(standalone.TaskArn): "TASK_NOT_VALID", unknown: "MISSING"}
	if len(out.Failures) != 2 {
		t.Errorf("failures %+v, want TASK_NOT_VALID for the standalone task and MISSING for the unknown one", out.Failures)
	}
	for _, f := range out.Failures {
		if want, ok := wantFailures[aws.ToString(f.Arn)]; !ok || aws.ToString(f.Reason) != want {
			t.Errorf("failure %s %s, want %v", aws.ToString(f.Arn), aws.ToString(f.Reason), wantFailures)
		}
	}

	got := e.sxGetProtection(t, "c1", a, b)
	if len(got.ProtectedTasks) != 2 || !got.ProtectedTasks[0].ProtectionEnabled || !got.ProtectedTasks[1].ProtectionEnabled ||
		!got.ProtectedTasks[0].ExpirationDate.Equal(now.Add(120*time.Minute)) {
		t.Errorf("GetTaskProtection %+v", got.ProtectedTasks)
	}
	// Clearing it: protectionEnabled false and no expirationDate (research §6).
	out = e.sxProtect(t, "c1", false, nil, b)
	if p := out.ProtectedTasks[0]; p.ProtectionEnabled || p.ExpirationDate != nil {
		t.Errorf("cleared protection %+v", p)
	}
	if p := e.sxGetProtection(t, "c1", b).ProtectedTasks[0]; p.ProtectionEnabled || p.ExpirationDate != nil {
		t.Errorf("GetTaskProtection after clearing %+v", p)
	}
	// Expiry sets it back to false.
	e.clock.Advance(121 * time.Minute)
	if p := e.sxGetProtection(t, "c1", a).ProtectedTasks[0]; p.ProtectionEnabled || p.ExpirationDate != nil {
		t.Errorf("GetTaskProtection after expiry %+v", p)
	}
	if got := e.sxGetProtection(t, "c1", aws.ToString(standalone.TaskArn)); len(got.Failures) != 1 ||
		aws.ToString(got.Failures[0].Reason) != "TASK_NOT_VALID" || len(got.ProtectedTasks) != 0 {
		t.Errorf("GetTaskProtection of a standalone task: %+v %+v", got.ProtectedTasks, got.Failures)
	}

	for _, tc := range []struct {
		name    string
		minutes int32
	}{{"zero minutes", 0}, {"above 2880 minutes", 2881}, {"negative minutes", -5}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.UpdateTaskProtection(ctx(t), &sdkecs.UpdateTaskProtectionInput{Cluster: aws.String("c1"),
				Tasks: []string{a}, ProtectionEnabled: true, ExpiresInMinutes: aws.Int32(tc.minutes)})
			sxAPIError(t, err, "InvalidParameterException", "", false)
		})
	}
	_, err := e.ecs.GetTaskProtection(ctx(t), &sdkecs.GetTaskProtectionInput{Cluster: aws.String("nowhere"), Tasks: []string{a}})
	sxAPIError(t, err, "ClusterNotFoundException", "Cluster not found.", true)
}

// sxProtectedEventRE is the event of spec §5.9 for protected tasks blocking scale-in:
// "service X was unable to reach steady state because task set (taskSet-ID) was unable
// to scale in. Reason: The number of protected tasks are more than the desired count of
// tasks." (the task set is the service's deployment; parentheses optional).
var sxProtectedEventRE = regexp.MustCompile(`^service \(?guard\)? was unable to reach steady state because task set \(?ecs-svc/\d{19}\)? was unable to scale in\. Reason: The number of protected tasks are more than the desired count of tasks\.$`)

func TestServiceProtectionBlocksScaleIn(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	td := e.sxRegister(t, sxSimple("guard"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("guard"),
		TaskDefinition: aws.String(td), DesiredCount: aws.Int32(4)})
	e.sxSteady(t, "c1", "guard")
	ts := sxRunning(e.sxTasks(t, "c1", "guard"))
	p1, p2 := aws.ToString(ts[0].TaskArn), aws.ToString(ts[3].TaskArn)
	e.sxProtect(t, "c1", true, aws.Int32(60), p1, p2)

	// Scale to 3: one task goes, never a protected one.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("guard"), DesiredCount: aws.Int32(3)})
	left := e.sxEventuallyTasks(t, "c1", "guard", "3 left", func(ts []types.Task) bool { return len(sxLive(ts)) == 3 })
	for _, p := range []string{p1, p2} {
		if tk := e.describe(t, p); aws.ToString(tk.DesiredStatus) != "RUNNING" {
			t.Errorf("protected task stopped by scale-in:\n%s", summary(tk))
		}
	}
	_ = left
	// Scale to 1: only the two protected tasks are left, more than desired.
	e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("guard"), DesiredCount: aws.Int32(1)})
	e.sxEventuallyTasks(t, "c1", "guard", "only protected left", func(ts []types.Task) bool { return len(sxLive(ts)) == 2 })
	s := e.sxQuiet(t, "c1", "guard", "blocked by protection", func(s types.Service) bool {
		return s.RunningCount == 2 && s.DesiredCount == 1 && !stable(s)
	})
	for _, p := range []string{p1, p2} {
		if tk := e.describe(t, p); aws.ToString(tk.DesiredStatus) != "RUNNING" {
			t.Errorf("protected task stopped by scale-in:\n%s", summary(tk))
		}
	}
	found := false
	for _, m := range eventsOf(s) {
		found = found || sxProtectedEventRE.MatchString(m)
	}
	if !found {
		t.Errorf("no event matching %s in %q", sxProtectedEventRE, eventsOf(s))
	}
	// ECS omits a duplicate message until its cause is resolved (spec §5.9).
	repeats := 0
	for _, m := range eventsOf(s) {
		if strings.Contains(m, "The number of protected tasks are more than the desired count of tasks") {
			repeats++
		}
	}
	if repeats != 1 {
		t.Errorf("the protected-tasks event appears %d times while its cause lasts, want once: %q", repeats, eventsOf(s))
	}

	// Protection expires after 60 minutes; then scale-in proceeds.
	e.clock.Advance(59 * time.Minute)
	e.sxQuiet(t, "c1", "guard", "protected for 60 minutes", func(s types.Service) bool { return s.RunningCount == 2 })
	e.clock.Advance(2 * time.Minute)
	e.eventuallyService(t, "c1", "guard", "scales in after expiry", func(s types.Service) bool { return stable(s) && s.RunningCount == 1 })
	// runningCount drops as soon as the scaled-in task is told to stop; it is live until
	// it has stopped.
	live := sxLive(e.sxEventuallyTasks(t, "c1", "guard", "stop the scaled-in task", func(ts []types.Task) bool { return len(sxLive(ts)) == 1 }))
	if len(live) != 1 || (aws.ToString(live[0].TaskArn) != p1 && aws.ToString(live[0].TaskArn) != p2) {
		t.Errorf("after expiry:\n%s", sxSummary(live))
	}
	if p := e.sxGetProtection(t, "c1", aws.ToString(live[0].TaskArn)).ProtectedTasks[0]; p.ProtectionEnabled {
		t.Errorf("protection still enabled after expiry: %+v", p)
	}
}

// TestServiceProtectionDelaysDeployment: a rolling update starts the new tasks but
// leaves a protected old task running until its protection ends (spec §5.11).
func TestServiceProtectionDelaysDeployment(t *testing.T) {
	e := newServiceEnv(t)
	e.createCluster(t, "c1")
	v1 := e.sxRegister(t, sxSimple("keep"))
	v2 := e.sxRegister(t, sxSimple("keep"))
	e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("keep"),
		TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(2)})
	e.sxSteady(t, "c1", "keep")
	old := sxRunning(e.sxTasks(t, "c1", "keep"))
	protected, plain := aws.ToString(old[0].TaskArn), aws.ToString(old[1].TaskArn)
	e.sxProtect(t, "c1", true, aws.Int32(30), protected)
	up := e.sxUpdate(t, &sdkecs.UpdateServiceInput{Cluster: aws.String("c1"), Service: aws.String("keep"), TaskDefinition: aws.String(v2)})
	newID := aws.ToString(up.Deployments[0].Id)

	e.sxAdvanceUntil(t, "c1", "keep", "replaces the unprotected task", 10*time.Second, 5*time.Minute, nil, func(s types.Service) bool {
		return aws.ToString(e.describe(t, plain).LastStatus) == "STOPPED" &&
			len(sxRunning(sxByDeployment(e.sxTasks(t, "c1", "keep"), newID))) == 2
	})
	e.clock.Advance(time.Minute) // the new tasks are long healthy
	s := e.sxQuiet(t, "c1", "keep", "held by the protected task", func(s types.Service) bool {
		return len(s.Deployments) == 2 && sxPrimary(t, s).RolloutState == types.DeploymentRolloutStateInProgress
	})
	if tk := e.describe(t, protected); aws.ToString(tk.LastStatus) != "RUNNING" || aws.ToString(tk.DesiredStatus) != "RUNNING" {
		t.Errorf("protected old task:\n%s", summary(tk))
	}
	if stable(s) {
		t.Errorf("services-stable condition holds while an old task runs")
	}
	e.sxAdvanceUntil(t, "c1", "keep", "completes after the protection ends", 5*time.Minute, 40*time.Minute, nil, func(s types.Service) bool {
		return stable(s) && s.Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted && aws.ToString(s.Deployments[0].Id) == newID
	})
	if tk := e.describe(t, protected); aws.ToString(tk.LastStatus) != "STOPPED" ||
		aws.ToString(tk.StoppedReason) != "Scaling activity initiated by (deployment "+newID+")" {
		t.Errorf("protected old task after expiry:\n%s", summary(tk))
	}
}
