//go:build docker

package cli

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServicesOnDocker is the docker tier of services (the proof): services run
// by `ecsmini up --runtime docker` as real containers behind ecsmini's local load
// balancers, driven through the official SDK. Each scenario has a cluster of its own on
// one ecsmini, with a 1 s deregistration delay; each deletes its services when it ends,
// and when ecsmini stops nothing it created may remain. Without a Docker Engine the test
// fails.
func TestServicesOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startServicesUp(t, image, t.TempDir(), time.Second)
	scenarios := []struct {
		name string
		run  func(t *testing.T, d *dockerTasks)
	}{
		{"rolling update behind the load balancer loses no request", testRollingUpdateBehindLB},
		{"circuit breaker rolls a crashing revision back", testCircuitBreakerRollback},
		{"tasks resolve other services by name", testServiceDNS},
	}
	t.Run("scenarios", func(t *testing.T) {
		for i, s := range scenarios {
			t.Run(s.name, func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				s.run(t, d.inCluster(t, fmt.Sprintf("svc%d-%s", i, randomHex(t))))
				t.Logf("took %v", time.Since(start).Round(100*time.Millisecond))
			})
		}
	})
}

// A 3-task web service behind its local load balancer rolls to a new revision while
// clients hammer it, keep-alive and not: not one request fails, the new tasks serve,
// the old ones drain, stop and leave ListTasks, and the events tell the story.
func testRollingUpdateBehindLB(t *testing.T, d *dockerTasks) {
	const name = "web"
	tg := "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-" + randomHex(t) + "/" + randomHex(t) + randomHex(t)
	v1 := d.register(t, fargate("svc-rolling", d.web("app", "--log", "revision one")))
	start := time.Now()
	d.createService(t, name, v1, 3, func(in *sdkecs.CreateServiceInput) {
		in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String("app"), ContainerPort: aws.Int32(8080)}}
	})
	d.waitStable(t, name, 90*time.Second)
	t.Logf("3 tasks behind the load balancer, stable after %v", time.Since(start).Round(100*time.Millisecond))
	old := d.serviceTasks(t, name, types.DesiredStatusRunning)
	oldARNs := arnsOf(old)
	if len(old) != 3 {
		t.Fatalf("stable with %d tasks, want 3:\n%s", len(old), d.serviceSummary(name))
	}
	for _, tk := range old {
		if aws.ToString(tk.TaskDefinitionArn) != v1 || aws.ToString(tk.Group) != "service:"+name {
			t.Errorf("task %s: taskDefinition %s group %s", aws.ToString(tk.TaskArn), aws.ToString(tk.TaskDefinitionArn), aws.ToString(tk.Group))
		}
	}
	bal := d.loadBalancer(t, tg)
	if !slices.Equal(bal.Services, []string{name}) {
		t.Errorf("load balancer of %s serves %v, want [%s]", tg, bal.Services, name)
	}
	checkTargets(t, bal, oldARNs)

	h := startHammer(t, "http://"+bal.Address+"/")
	h.waitServed(t, oldARNs, 10*time.Second)

	v2 := d.register(t, fargate("svc-rolling", d.web("app", "--log", "revision two")))
	upd, err := d.ecs.UpdateService(tctx(t, 10*time.Second), &sdkecs.UpdateServiceInput{Cluster: aws.String(d.cluster),
		Service: aws.String(name), TaskDefinition: aws.String(v2)})
	if err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	updated := time.Now()
	newDep := primaryOf(t, upd.Service)
	d.waitService(t, name, "rolled to revision two", 90*time.Second, func(s *types.Service) bool {
		return stable(s) && aws.ToString(s.Deployments[0].Id) == newDep && aws.ToString(s.TaskDefinition) == v2
	})
	t.Logf("deployment COMPLETED %v after UpdateService", time.Since(updated).Round(100*time.Millisecond))
	stopped := d.waitStopped(t, 30*time.Second, old...)
	allStopped := time.Now()
	t.Logf("old tasks STOPPED %v after UpdateService", allStopped.Sub(updated).Round(100*time.Millisecond))
	cur := d.serviceTasks(t, name, types.DesiredStatusRunning)
	newARNs := arnsOf(cur)
	// Keep hammering until every new task has served after the old ones stopped.
	h.waitServedSince(t, newARNs, allStopped, 10*time.Second)
	h.stop()

	total, failed, failures := h.result()
	t.Logf("%d requests through %s, %d failed; served by %v", total, bal.Address, failed, h.servedCounts())
	if failed > 0 {
		t.Errorf("%d of %d requests failed during the rolling update; first ones:\n%s", failed, total, strings.Join(failures, "\n"))
	}
	if n := h.unidentified(); n > 0 {
		t.Errorf("%d answers showed no task ARN (the page could not read the task metadata)", n)
	}
	if len(cur) != 3 {
		t.Errorf("after the update ListTasks lists %d running tasks, want 3:\n%s", len(cur), d.serviceSummary(name))
	}
	for _, tk := range cur {
		arn := aws.ToString(tk.TaskArn)
		if slices.Contains(oldARNs, arn) {
			t.Errorf("ListTasks still lists the old task %s", arn)
		}
		if aws.ToString(tk.TaskDefinitionArn) != v2 || aws.ToString(tk.StartedBy) != newDep || aws.ToString(tk.LastStatus) != "RUNNING" {
			t.Errorf("task %s: %s of %s started by %s, want RUNNING of %s by %s", arn, aws.ToString(tk.LastStatus),
				aws.ToString(tk.TaskDefinitionArn), aws.ToString(tk.StartedBy), v2, newDep)
		}
	}
	if late := h.servedBySince(oldARNs, allStopped); late > 0 {
		t.Errorf("%d requests sent after the old tasks were STOPPED were served by them", late)
	}
	if revs := h.revisionsSince(allStopped); len(revs) != 1 || revs[revisionOf(v2)] == 0 {
		t.Errorf("revisions serving after the update: %v, want only %s", revs, revisionOf(v2))
	}
	for _, tk := range stopped {
		app := containerOf(t, &tk, "app")
		if tk.StopCode != types.TaskStopCodeServiceSchedulerInitiated || exitCode(app) != "0" {
			t.Errorf("old task %s: stopCode %q reason %q, app exit %s; want ServiceSchedulerInitiated and 0 (SIGTERM)",
				aws.ToString(tk.TaskArn), tk.StopCode, aws.ToString(tk.StoppedReason), exitCode(app))
		}
		if left, err := taskContainers(aws.ToString(tk.TaskArn)); err != nil || left != "" {
			t.Errorf("old task %s is STOPPED but the engine still has its containers: %s %v", aws.ToString(tk.TaskArn), left, err)
		}
	}
	// The balancer forgets drained targets: only the new tasks remain, healthy.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		bal = d.loadBalancer(t, tg)
		if len(bal.Targets) == len(newARNs) || time.Now().After(deadline) {
			break
		}
	}
	checkTargets(t, bal, newARNs)

	s, err := d.describeService(tctx(t, 10*time.Second), name)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range [][]string{
		{"(service web) has begun draining connections on"},
		{"(service web) deregistered", tg},
		{"(service web) registered", tg},
		{"(deployment " + newDep + ") deployment completed."},
		{"(service web) has reached a steady state."},
	} {
		if countEvents(s, want...) == 0 {
			t.Errorf("no service event with %q:\n%s", want, d.serviceSummary(name))
		}
	}
	// Both rollouts registered targets and ended steady.
	if n := countEvents(s, "(service web) registered"); n < 2 {
		t.Errorf("%d registered events, want one per rollout at least", n)
	}
	if n := countEvents(s, "has reached a steady state."); n < 2 {
		t.Errorf("%d steady state events, want one per rollout at least", n)
	}
}

// checkTargets requires the balancer's targets to be exactly the tasks, healthy, each at
// a loopback address.
func checkTargets(t *testing.T, bal localLB, arns []string) {
	t.Helper()
	var got []string
	for _, tg := range bal.Targets {
		got = append(got, tg.ID)
		if tg.State != "healthy" || !strings.HasPrefix(tg.Addr, "127.0.0.1:") {
			t.Errorf("target %s at %s is %s (%s), want healthy on 127.0.0.1", tg.ID, tg.Addr, tg.State, tg.Reason)
		}
	}
	want := slices.Clone(arns)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("load balancer targets %v, want the tasks %v", got, want)
	}
}

func primaryOf(t *testing.T, s *types.Service) string {
	t.Helper()
	for _, dp := range s.Deployments {
		if aws.ToString(dp.Status) == "PRIMARY" {
			return aws.ToString(dp.Id)
		}
	}
	t.Fatalf("service %s has no PRIMARY deployment: %+v", aws.ToString(s.ServiceName), s.Deployments)
	return ""
}

// revisionOf is the revision number of a task definition ARN.
func revisionOf(arn string) string { return arn[strings.LastIndexByte(arn, ':')+1:] }

// A service whose new revision crashes at once trips the deployment circuit breaker:
// the deployment FAILS and the service rolls back to the last COMPLETED one, which
// completes again with the good tasks.
func testCircuitBreakerRollback(t *testing.T, d *dockerTasks) {
	const name = "crashy"
	app := d.web("app")
	app.HealthCheck = healthCheck(2)
	good := d.register(t, fargate("svc-breaker", app))
	start := time.Now()
	d.createService(t, name, good, 2, func(in *sdkecs.CreateServiceInput) {
		// maximumPercent 150 starts the crashing tasks one at a time, so the breaker trips
		// with none of them left: the case where the failure was once never visible.
		in.DeploymentConfiguration = &types.DeploymentConfiguration{MaximumPercent: aws.Int32(150),
			DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
	})
	s := d.waitStable(t, name, 60*time.Second)
	goodDep := aws.ToString(s.Deployments[0].Id)
	goodTasks := arnsOf(d.serviceTasks(t, name, types.DesiredStatusRunning))
	t.Logf("good revision stable after %v", time.Since(start).Round(100*time.Millisecond))

	bad := d.register(t, fargate("svc-breaker", d.workloadDef("app", "--exit-code", "1", "--exit-after", "0s")))
	upd, err := d.ecs.UpdateService(tctx(t, 10*time.Second), &sdkecs.UpdateServiceInput{Cluster: aws.String(d.cluster),
		Service: aws.String(name), TaskDefinition: aws.String(bad)})
	if err != nil {
		t.Fatalf("UpdateService: %v", err)
	}
	updated := time.Now()
	badDep := primaryOf(t, upd.Service)

	// Watch every state the two deployments go through on the way.
	var badSeen, goodSeen []string
	seen := func(list *[]string, dp types.Deployment) {
		st := fmt.Sprintf("%s/%s %q", aws.ToString(dp.Status), dp.RolloutState, aws.ToString(dp.RolloutStateReason))
		if len(*list) == 0 || (*list)[len(*list)-1] != st {
			*list = append(*list, st)
		}
	}
	var failedAt time.Duration
	s = d.waitService(t, name, "rolled back", 120*time.Second, func(s *types.Service) bool {
		for _, dp := range s.Deployments {
			switch aws.ToString(dp.Id) {
			case badDep:
				seen(&badSeen, dp)
				if dp.RolloutState == types.DeploymentRolloutStateFailed && failedAt == 0 {
					failedAt = time.Since(updated)
				}
			case goodDep:
				seen(&goodSeen, dp)
			}
		}
		return stable(s) && aws.ToString(s.Deployments[0].Id) == goodDep && countEvents(s, "rolling back to deployment") > 0
	})
	t.Logf("breaker tripped %v and the rollback completed %v after UpdateService", failedAt.Round(100*time.Millisecond),
		time.Since(updated).Round(100*time.Millisecond))
	t.Logf("failing deployment went %v; rolled-back one %v", badSeen, goodSeen)

	// DescribeServices lists only PRIMARY and ACTIVE deployments: the FAILED one stays
	// listed for 30 s, and the rollback completes one scheduler pass after it began (a
	// second later), which a poll may miss. What is visible must be exactly these states.
	inProgress := fmt.Sprintf("PRIMARY/IN_PROGRESS %q", "ECS deployment "+badDep+" in progress.")
	wantFailed := fmt.Sprintf("ACTIVE/FAILED %q", "ECS deployment circuit breaker: tasks failed to start.")
	for _, st := range badSeen {
		if st != inProgress && st != wantFailed {
			t.Errorf("the crashing deployment went %v; want %s, then %s", badSeen, inProgress, wantFailed)
			break
		}
	}
	if !slices.Contains(badSeen, wantFailed) {
		t.Errorf("the crashing deployment was never seen %s (it went %v): a FAILED deployment stays listed 30 s", wantFailed, badSeen)
	}
	wasCompleted := fmt.Sprintf("ACTIVE/COMPLETED %q", "ECS deployment "+goodDep+" completed.")
	wantRollback := fmt.Sprintf("PRIMARY/IN_PROGRESS %q", "ECS deployment circuit breaker: rolling back to deploymentId "+goodDep+".")
	completed := fmt.Sprintf("PRIMARY/COMPLETED %q", "ECS deployment "+goodDep+" completed.")
	if want := []string{wasCompleted, wantRollback, completed}; !slices.Equal(goodSeen, want) && !slices.Equal(goodSeen, slices.Delete(want, 1, 2)) {
		t.Errorf("the rolled-back deployment went %v, want %v", goodSeen, []string{wasCompleted, wantRollback, completed})
	}
	if !slices.Contains(goodSeen, wantRollback) {
		t.Logf("NOTE: the rolled-back deployment was never seen %s: it completed in the pass that rolled back", wantRollback)
	}
	if aws.ToString(s.TaskDefinition) != good || aws.ToString(s.Deployments[0].TaskDefinition) != good {
		t.Errorf("after the rollback the service runs %s (deployment %s), want %s", aws.ToString(s.TaskDefinition),
			aws.ToString(s.Deployments[0].TaskDefinition), good)
	}
	if s.RunningCount != 2 {
		t.Errorf("runningCount %d after the rollback, want 2", s.RunningCount)
	}
	running := d.serviceTasks(t, name, types.DesiredStatusRunning)
	if len(running) != 2 {
		t.Errorf("%d running tasks after the rollback, want 2:\n%s", len(running), d.serviceSummary(name))
	}
	for _, tk := range running {
		if aws.ToString(tk.TaskDefinitionArn) != good || aws.ToString(tk.LastStatus) != "RUNNING" || tk.HealthStatus != types.HealthStatusHealthy {
			t.Errorf("after the rollback:\n%s", summarize(&tk))
		}
	}
	if got := arnsOf(running); !sameSet(got, goodTasks) {
		t.Logf("the good tasks were replaced during the rollback: %v, then %v", goodTasks, got)
	}
	crashed := 0
	for _, tk := range d.serviceTasks(t, name, types.DesiredStatusStopped) {
		if aws.ToString(tk.TaskDefinitionArn) != bad {
			continue
		}
		crashed++
		if s := aws.ToString(tk.LastStatus); s != "STOPPED" {
			t.Errorf("crashing task %s is %s after the rollback", aws.ToString(tk.TaskArn), s)
		}
		if app := containerOf(t, &tk, "app"); app.ExitCode != nil && exitCode(app) != "1" {
			t.Errorf("crashing task:\n%s", summarize(&tk))
		}
	}
	if crashed < 3 {
		t.Errorf("%d crashed tasks, want at least the breaker's threshold of 3", crashed)
	}
	for _, want := range []string{
		"(service crashy) (deployment " + badDep + ") deployment failed: tasks failed to start.",
		"(service crashy) rolling back to deployment " + goodDep + ".",
	} {
		if countEvents(s, want) != 1 {
			t.Errorf("want one event %q:\n%s", want, d.serviceSummary(name))
		}
	}
	// The good deployment completed twice: when created and after the rollback.
	if n := countEvents(s, "(deployment "+goodDep+") deployment completed."); n != 2 {
		t.Errorf("%d completed events for %s, want 2", n, goodDep)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// A task of service web reaches service api by its name through the task's DNS; once
// api scales to zero and its tasks stop, the name no longer resolves to anything.
func testServiceDNS(t *testing.T, d *dockerTasks) {
	api := d.register(t, fargate("svc-dns-api", d.web("api")))
	web := d.register(t, fargate("svc-dns-web", d.workloadDef("web")))
	d.createService(t, "api", api, 2)
	d.createService(t, "web", web, 1)
	apiTasks := d.waitServiceRunning(t, "api", 2, 60*time.Second)
	webTask := d.waitServiceRunning(t, "web", 1, 60*time.Second)[0]
	var apiIPs []string
	for _, tk := range apiTasks {
		apiIPs = append(apiIPs, attachmentDetail(tk, "privateIPv4Address"))
	}
	sort.Strings(apiIPs)
	webIP := attachmentDetail(webTask, "privateIPv4Address")
	container := taskContainer(t, aws.ToString(webTask.TaskArn), "web")
	ctx := tctx(t, 2*time.Minute)
	workload := func(args ...string) (string, error) {
		out, err := exec.CommandContext(ctx, "docker", append([]string{"exec", container, "/ecsmini", "workload"}, args...)...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	// The task's DNS server fetches the names every second.
	var out string
	var err error
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		out, err = workload("lookup", "api")
		got := strings.Fields(out)
		sort.Strings(got)
		if err == nil && slices.Equal(got, apiIPs) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lookup api from the web task: %q %v, want the api tasks' %v", out, err, apiIPs)
		}
	}
	if out, err := workload("probe", "http://api:8080/health"); err != nil {
		t.Fatalf("GET http://api:8080/health from the web task: %s %v", out, err)
	}
	if out, err := workload("lookup", "web"); err != nil || out != webIP {
		t.Errorf("lookup web (its own service) from the web task: %q %v, want %s", out, err, webIP)
	}

	if _, err := d.ecs.UpdateService(ctx, &sdkecs.UpdateServiceInput{Cluster: aws.String(d.cluster),
		Service: aws.String("api"), DesiredCount: aws.Int32(0)}); err != nil {
		t.Fatalf("UpdateService api desiredCount 0: %v", err)
	}
	d.waitStopped(t, 30*time.Second, apiTasks...)
	d.waitService(t, "api", "scaled to zero", 30*time.Second, func(s *types.Service) bool {
		return s.RunningCount == 0 && s.PendingCount == 0
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		out, err = workload("lookup", "--timeout", "2s", "api")
		if err != nil || out == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("api still resolves to %q after its tasks stopped", out)
		}
	}
	if out, err := workload("probe", "--timeout", "2s", "http://api:8080/health"); err == nil {
		t.Errorf("GET http://api:8080/health still answers after api scaled to zero: %s", out)
	}
}

// waitServiceRunning waits until the service has n RUNNING tasks and returns them.
func (d *dockerTasks) waitServiceRunning(t *testing.T, name string, n int, within time.Duration) []types.Task {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(200 * time.Millisecond) {
		tasks := d.serviceTasks(t, name, types.DesiredStatusRunning)
		running := 0
		for _, tk := range tasks {
			if aws.ToString(tk.LastStatus) == "RUNNING" {
				running++
			}
		}
		if running == n && len(tasks) == n {
			return tasks
		}
		if time.Now().After(deadline) {
			t.Fatalf("service %s: %d of %d tasks RUNNING after %v:\n%s", name, running, n, within, d.serviceSummary(name))
		}
	}
}

// hammer sends GET requests through a load balancer from three clients until stopped:
// two share a keep-alive client, one opens a new connection per request. It records
// which task (and revision) served each answer, as the workload page shows it.
type hammer struct {
	url  string
	done chan struct{}
	wg   sync.WaitGroup
	keep *http.Transport

	mu        sync.Mutex
	total     int
	failed    int
	failures  []string
	answers   []answer
	noTaskARN int
}

type answer struct {
	sent     time.Time
	task     string
	revision string
}

var (
	pageTaskARN  = regexp.MustCompile(`"TaskARN":\s*"([^"]+)"`)
	pageRevision = regexp.MustCompile(`"Revision":\s*"([^"]+)"`)
)

func startHammer(t *testing.T, url string) *hammer {
	h := &hammer{url: url, done: make(chan struct{}),
		keep: &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 4}}
	keep := &http.Client{Timeout: 5 * time.Second, Transport: h.keep}
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	h.wg.Add(3)
	go h.loop(keep, 2*time.Millisecond)
	go h.loop(keep, 2*time.Millisecond)
	go h.loop(fresh, 10*time.Millisecond)
	t.Cleanup(h.stop)
	return h
}

func (h *hammer) stop() {
	select {
	case <-h.done:
	default:
		close(h.done)
	}
	h.wg.Wait()
	h.keep.CloseIdleConnections()
}

func (h *hammer) loop(c *http.Client, pause time.Duration) {
	defer h.wg.Done()
	for {
		select {
		case <-h.done:
			return
		default:
		}
		sent := time.Now()
		var body []byte
		resp, err := c.Get(h.url)
		if err == nil {
			body, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("%s: %.200s", resp.Status, body)
			}
		}
		h.mu.Lock()
		h.total++
		if err != nil {
			h.failed++
			if len(h.failures) < 20 {
				h.failures = append(h.failures, fmt.Sprintf("%s: %v", sent.Format("15:04:05.000"), err))
			}
		} else if m := pageTaskARN.FindSubmatch(body); m == nil {
			h.noTaskARN++
		} else {
			a := answer{sent: sent, task: string(m[1])}
			if r := pageRevision.FindSubmatch(body); r != nil {
				a.revision = string(r[1])
			}
			h.answers = append(h.answers, a)
		}
		h.mu.Unlock()
		time.Sleep(pause)
	}
}

func (h *hammer) result() (total, failed int, failures []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.total, h.failed, slices.Clone(h.failures)
}

func (h *hammer) unidentified() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.noTaskARN
}

// servedCounts counts answers by task ID.
func (h *hammer) servedCounts() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, a := range h.answers {
		out[lastPart(a.task)]++
	}
	return out
}

// servedBySince counts the answers by any of tasks to requests sent after since.
func (h *hammer) servedBySince(tasks []string, since time.Time) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, a := range h.answers {
		if a.sent.After(since) && slices.Contains(tasks, a.task) {
			n++
		}
	}
	return n
}

// revisionsSince counts the answers to requests sent after since by revision.
func (h *hammer) revisionsSince(since time.Time) map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, a := range h.answers {
		if a.sent.After(since) {
			out[a.revision]++
		}
	}
	return out
}

// waitServed waits until every one of tasks has served a request.
func (h *hammer) waitServed(t *testing.T, tasks []string, within time.Duration) {
	t.Helper()
	h.waitServedSince(t, tasks, time.Time{}, within)
}

// waitServedSince waits until every one of tasks has answered a request sent after since.
func (h *hammer) waitServedSince(t *testing.T, tasks []string, since time.Time, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		missing := 0
		for _, tk := range tasks {
			if h.servedBySince([]string{tk}, since) == 0 {
				missing++
			}
		}
		if missing == 0 {
			return
		}
		if time.Now().After(deadline) {
			total, failed, failures := h.result()
			t.Fatalf("%d of the tasks %v served no request within %v (%d requests, %d failed %v; served %v)",
				missing, tasks, within, total, failed, failures, h.servedCounts())
		}
	}
}
