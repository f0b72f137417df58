package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// runTasks registers a task definition and runs count tasks of it through the CLI's
// own ECS client, returning their ARNs.
func runTasks(t *testing.T, c *ecsminiapi.Client, cluster, taskDef string, count int) []string {
	t.Helper()
	ctx := context.Background()
	var td ecs.TaskDefinitionOutput
	if err := c.Call(ctx, "RegisterTaskDefinition", json.RawMessage(taskDef), &td); err != nil {
		t.Fatalf("RegisterTaskDefinition: %v", err)
	}
	var def struct {
		Arn string `json:"taskDefinitionArn"`
	}
	if err := json.Unmarshal(td.TaskDefinition, &def); err != nil {
		t.Fatal(err)
	}
	var out ecs.TasksOutput
	in := map[string]any{"cluster": cluster, "taskDefinition": def.Arn, "count": count}
	if err := c.Call(ctx, "RunTask", in, &out); err != nil || len(out.Tasks) != count {
		t.Fatalf("RunTask: %v (%d tasks, failures %+v)", err, len(out.Tasks), out.Failures)
	}
	arns := make([]string, count)
	for i, task := range out.Tasks {
		arns[i] = task.TaskArn
	}
	return arns
}

// waitTasks moves the driven clock until every task has reached the last status (at
// most a minute of emulator time).
func waitTasks(t *testing.T, dc *drivenClock, c *ecsminiapi.Client, cluster string, arns []string, status ecs.TaskStatus) []*ecs.Task {
	t.Helper()
	var tasks []*ecs.Task
	dc.eventually(t, time.Minute, fmt.Sprintf("tasks %s", status), func() bool {
		var err error
		if tasks, err = c.DescribeTasks(context.Background(), cluster, arns); err != nil {
			t.Fatal(err)
		}
		return len(tasks) == len(arns) && !slices.ContainsFunc(tasks, func(task *ecs.Task) bool { return task.LastStatus != status })
	})
	return tasks
}

const (
	webTaskDef = `{"family":"web","networkMode":"bridge","containerDefinitions":[{"name":"web","image":"nginx","memory":128,
		"portMappings":[{"containerPort":80}]}]}`
	crashTaskDef = `{"family":"crash","containerDefinitions":[{"name":"app","image":"busybox","memory":64,
		"dockerLabels":{"ecsmini.sim/exit-code":"3","ecsmini.sim/exit-after":"50ms"}}]}`
)

func TestPsListsTasksOfARunningEcsmini(t *testing.T) {
	addr, _, dc := startDriven(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	endpoint := "http://" + addr
	c := newClient(endpoint)

	// Nothing has run yet: the default cluster does not exist, which is no error for ps.
	out, errOut, code := runMain(t, "ps", "--endpoint", endpoint)
	if code != 0 || out != "no running tasks in cluster default (--all also lists stopped ones)\n" {
		t.Fatalf("empty ps: exit %d, %q %q", code, out, errOut)
	}

	web := waitTasks(t, dc, c, "default", runTasks(t, c, "", webTaskDef, 3), ecs.StatusRunning)
	crash := waitTasks(t, dc, c, "default", runTasks(t, c, "default", crashTaskDef, 1), ecs.StatusStopped)
	if err := c.Call(context.Background(), "CreateCluster", map[string]string{"clusterName": "batch"}, &struct{}{}); err != nil {
		t.Fatal(err)
	}
	other := waitTasks(t, dc, c, "batch", runTasks(t, c, "batch", webTaskDef, 1), ecs.StatusRunning)

	// Text: the three web tasks of the default cluster, each reachable on its own port.
	out, errOut, code = runMain(t, "ps", "--endpoint", endpoint)
	if code != 0 {
		t.Fatalf("ps: exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	header := regexp.MustCompile(`^TASK +CLUSTER +DEFINITION +STATUS +HEALTH +LAUNCH +CONTAINERS +PORTS +AGE +UPTIME +STOP$`)
	if len(lines) != 4 || !header.MatchString(lines[0]) {
		t.Fatalf("ps printed %d lines, want a header and 3 tasks:\n%s", len(lines), out)
	}
	row := regexp.MustCompile(`^([0-9a-f]{12}) +default +web:1 +RUNNING +UNKNOWN +EC2 +web +(http://127\.0\.0\.1:(\d+)) → 80/tcp +\d+s +\d+s +-$`)
	ports := map[string]bool{}
	for _, l := range lines[1:] {
		m := row.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("row %q does not match %s\n%s", l, row, out)
		}
		if !slices.ContainsFunc(web, func(task *ecs.Task) bool { return strings.HasPrefix(lastSegment(task.TaskArn), m[1]) }) {
			t.Errorf("row %q names no web task", l)
		}
		ports[m[3]] = true
	}
	if len(ports) != 3 {
		t.Errorf("three tasks on port 80 must get three host ports:\n%s", out)
	}
	if strings.Contains(out, "crash") || strings.Contains(out, "batch") {
		t.Errorf("ps without --all or --all-clusters lists too much:\n%s", out)
	}
	// Every column lines up under its header.
	col := strings.Index(lines[0], "PORTS")
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l[col:], "http://") {
			t.Errorf("PORTS column misaligned at %d:\n%s", col, out)
		}
	}

	// --all adds the stopped task with its stop code and exit code.
	out, _, _ = runMain(t, "ps", "--endpoint", endpoint, "--all")
	stopped := regexp.MustCompile(`(?m)^` + lastSegment(crash[0].TaskArn)[:12] + ` +default +crash:1 +STOPPED +\S+ +EC2 +app +- +\d+s +\d+s +EssentialContainerExited \(app=3\)$`)
	if !stopped.MatchString(out) {
		t.Errorf("ps --all lacks the stopped task as %s:\n%s", stopped, out)
	}

	// --all-clusters adds the other cluster's task; --cluster takes a name or an ARN.
	out, _, _ = runMain(t, "ps", "--endpoint", endpoint, "--all-clusters")
	if strings.Count(out, "\n") != 5 || !strings.Contains(out, lastSegment(other[0].TaskArn)[:12]+"  batch ") {
		t.Errorf("ps --all-clusters:\n%s", out)
	}
	out, _, _ = runMain(t, "ps", "--endpoint", endpoint, "--cluster", other[0].ClusterArn)
	if strings.Count(out, "\n") != 2 || !strings.Contains(out, " batch ") {
		t.Errorf("ps --cluster ARN:\n%s", out)
	}

	// JSON: an array of objects with the same facts, whole IDs and ARNs.
	out, errOut, code = runMain(t, "ps", "--endpoint", endpoint, "--all", "-o", "json")
	var rows []psRow
	if code != 0 || json.Unmarshal([]byte(out), &rows) != nil {
		t.Fatalf("ps -o json: exit %d %s\n%s", code, errOut, out)
	}
	if len(rows) != 4 {
		t.Fatalf("ps -o json --all gave %d rows, want 4:\n%s", len(rows), out)
	}
	for _, r := range rows {
		switch r.Definition {
		case "web:1":
			if r.LastStatus != "RUNNING" || r.DesiredStatus != "RUNNING" || r.Launch != "EC2" || len(r.Ports) != 1 ||
				r.Ports[0].ContainerPort != "80" || r.Ports[0].Protocol != "tcp" || r.Ports[0].URL != "http://127.0.0.1:"+r.Ports[0].HostPort ||
				r.StartedAt == nil || r.StopCode != "" || r.Cluster != "default" || len(r.TaskID) != 32 {
				t.Errorf("web row: %+v", r)
			}
		case "crash:1":
			if r.LastStatus != "STOPPED" || r.StopCode != "EssentialContainerExited" || r.StoppedReason == "" ||
				len(r.Containers) != 1 || r.Containers[0].ExitCode == nil || *r.Containers[0].ExitCode != 3 ||
				len(r.Ports) != 0 || r.StoppedAt == nil || r.TaskARN != crash[0].TaskArn {
				t.Errorf("crash row: %+v", r)
			}
		default:
			t.Errorf("unexpected row %+v", r)
		}
	}
	for _, want := range []string{`"taskId"`, `"taskArn"`, `"cluster"`, `"definition"`, `"lastStatus"`, `"desiredStatus"`,
		`"health"`, `"launch"`, `"containers"`, `"ports"`, `"createdAt"`, `"ageSeconds"`, `"uptimeSeconds"`, `"stopCode"`} {
		if !strings.Contains(out, want) {
			t.Errorf("JSON lacks %s", want)
		}
	}
}

func TestPsErrors(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim"})
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ps", "--endpoint", "http://127.0.0.1:1"}, "no ecsmini answers at http://127.0.0.1:1"},
		{[]string{"ps", "--endpoint", addr, "--cluster", "nope"}, "cluster nope: ClusterNotFoundException: Cluster not found.\n"},
		{[]string{"ps", "--endpoint", addr, "-o", "yaml"}, "--output must be text or json"},
		{[]string{"ps", "--endpoint", addr, "--cluster", "x", "--all-clusters"}, "none of the others can be"},
	}
	for _, tt := range tests {
		out, errOut, code := runMain(t, tt.args...)
		if code == 0 || out != "" || !strings.Contains(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one error line with %q", tt.args, code, out, errOut, tt.want)
		}
	}
	t.Setenv("ECSMINI_ENDPOINT", addr)
	if out, errOut, code := runMain(t, "ps", "--all-clusters", "--all"); code != 0 || out != "no tasks in any cluster\n" {
		t.Errorf("ps via ECSMINI_ENDPOINT: exit %d %q %q", code, out, errOut)
	}
}

// TestPsRendering pins the text layout on a fixed task and clock.
func TestPsRendering(t *testing.T) {
	now := time.Date(2025, 1, 2, 15, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) *ecs.Timestamp { return ecs.At(now.Add(-ago)) }
	running := &ecs.Task{
		TaskArn: "arn:aws:ecs:us-east-1:000000000000:task/prod/0123456789abcdef0123456789abcdef", ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/prod",
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/api:7", LastStatus: ecs.StatusRunning, DesiredStatus: ecs.StatusStopped,
		HealthStatus: "HEALTHY", LaunchType: "FARGATE", CapacityProviderName: "FARGATE_SPOT", CreatedAt: at(3*time.Hour + 5*time.Minute), StartedAt: at(3 * time.Hour),
		Containers: []ecs.Container{
			{Name: "api", LastStatus: "RUNNING", NetworkBindings: []ecs.NetworkBinding{
				{BindIP: "0.0.0.0", ContainerPort: ecs.Ptr(8080), HostPort: ecs.Ptr(49153), Protocol: "tcp"},
				{BindIP: "::", ContainerPort: ecs.Ptr(8080), HostPort: ecs.Ptr(49153), Protocol: "tcp"},
				{BindIP: "127.0.0.1", ContainerPort: ecs.Ptr(53), HostPort: ecs.Ptr(49154), Protocol: "udp"},
			}},
			{Name: "envoy", LastStatus: "RUNNING", NetworkBindings: []ecs.NetworkBinding{
				{BindIP: "0.0.0.0", ContainerPort: ecs.Ptr(8080), HostPort: ecs.Ptr(49153), Protocol: "tcp"},
			}},
		},
	}
	stopped := &ecs.Task{
		TaskArn: "arn:aws:ecs:us-east-1:000000000000:task/prod/ffff456789abcdef0123456789abcdef", ClusterArn: running.ClusterArn,
		TaskDefinitionArn: "arn:aws:ecs:us-east-1:000000000000:task-definition/job:1", LastStatus: ecs.StatusStopped, DesiredStatus: ecs.StatusStopped,
		LaunchType: "EC2", CreatedAt: at(50 * time.Hour), StartedAt: at(49 * time.Hour), StoppedAt: at(48*time.Hour - 90*time.Second),
		StopCode: "EssentialContainerExited",
		Containers: []ecs.Container{{Name: "job", LastStatus: "STOPPED", ExitCode: ecs.Ptr(137),
			NetworkBindings: []ecs.NetworkBinding{{ContainerPort: ecs.Ptr(80), HostPort: ecs.Ptr(32768)}}}},
	}
	var b bytes.Buffer
	if err := printPs(&b, []psRow{toPsRow(running, now), toPsRow(stopped, now)}, psOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `TASK          CLUSTER  DEFINITION  STATUS           HEALTH   LAUNCH        CONTAINERS  PORTS                                                                                       AGE   UPTIME  STOP
0123456789ab  prod     api:7       RUNNING→STOPPED  HEALTHY  FARGATE_SPOT  api,envoy   http://127.0.0.1:49153 → 8080/tcp, http://[::1]:49153 → 8080/tcp, 127.0.0.1:49154 → 53/udp  3h5m  3h0m    -
ffff456789ab  prod     job:1       STOPPED          -        EC2           job         -                                                                                           2d2h  1h1m    EssentialContainerExited (job=137)
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestHumanDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", -time.Second: "0s", 59 * time.Second: "59s", 61 * time.Second: "1m1s",
		time.Hour + 59*time.Minute: "1h59m", 24 * time.Hour: "1d0h", 30*time.Hour + 5*time.Minute: "1d6h",
	} {
		if got := humanDuration(d); got != want {
			t.Errorf("humanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func runMain(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Main(args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// An ecsmini that accepts connections but does not answer (suspended with Ctrl-Z, say)
// makes ps fail after a while rather than hang.
func TestPsWithAnEcsminiThatDoesNotAnswer(t *testing.T) {
	release := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer stuck.Close()
	defer close(release)
	old := ecsCallTimeout
	ecsCallTimeout = 200 * time.Millisecond
	defer func() { ecsCallTimeout = old }()
	done := make(chan struct{})
	var errOut string
	var code int
	go func() {
		defer close(done)
		_, errOut, code = runMain(t, "ps", "--endpoint", stuck.URL)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ps still waiting for an ecsmini that does not answer")
	}
	if want := "the ecsmini at " + stuck.URL + " did not answer ListTasks within 200ms"; code == 0 || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr %q; want an error with %q", code, errOut, want)
	}
}
