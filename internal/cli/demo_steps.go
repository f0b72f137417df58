package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeapply"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// demo narrates the scenario on a running emulator.
type demo struct {
	out      io.Writer
	pace     time.Duration
	endpoint string
	webURL   string
	sim      bool
	c        *ecsminiapi.Client
	seen     map[string]bool // service events already told
	// wait pauses between two looks at the emulator (nil: real time; tests move the
	// emulator's clock instead).
	wait func(ctx context.Context, d time.Duration) error
}

const demoCluster = "demo"

// demoPoll is how often the demo looks at the services it waits for.
const demoPoll = 500 * time.Millisecond

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, "demo: "+format+"\n", args...)
}

func (d *demo) step(n int, title string) {
	fmt.Fprintf(d.out, "\n== %d. %s\n", n, title)
}

func (d *demo) pause(ctx context.Context) error {
	return d.sleep(ctx, d.pace)
}

// sleep waits d before the next look at the emulator, or until ctx ends.
func (d *demo) sleep(ctx context.Context, dur time.Duration) error {
	if d.wait != nil {
		if err := d.wait(ctx, dur); err != nil {
			return err
		}
		return ctx.Err()
	}
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (d *demo) run(ctx context.Context, plan *composeimport.Plan, sync *composeapply.Syncer) error {
	d.seen = map[string]bool{}
	d.step(1, "A compose file becomes ECS services")
	d.say("ECS API at %s (eval \"$(ecsmini env)\" with ECSMINI_ENDPOINT=%s to use the AWS CLI)", d.endpoint, d.endpoint)
	if err := sync.Sync(ctx, plan); err != nil {
		return err
	}
	if err := d.waitStable(ctx, "web", "api"); err != nil {
		return err
	}
	if err := d.showTasks(ctx); err != nil {
		return err
	}
	d.showWeb(ctx)
	if err := d.pause(ctx); err != nil {
		return err
	}

	d.step(2, "A rolling deployment: web v2, new tasks start before old ones stop")
	web, _ := plan.Service("web")
	web.TaskDefinition.ContainerDefinitions[0].Command = []string{"workload", "--listen", ":8080", "--log", "demo web v2"}
	if err := sync.Sync(ctx, plan); err != nil {
		return err
	}
	if err := d.waitStable(ctx, "web"); err != nil {
		return err
	}
	if err := d.pause(ctx); err != nil {
		return err
	}

	d.step(3, "A Fargate Spot interruption: AWS takes the capacity back")
	spot, err := d.c.InterruptSpot(ctx, ecsminiapi.SpotInterrupt{Cluster: demoCluster, Service: "web", Count: 1})
	if err != nil {
		return err
	}
	if len(spot.Interrupted) == 0 {
		d.say("no web task runs on FARGATE_SPOT right now; skipping")
	} else {
		d.say("interrupted %s: the two-minute warning (SIGTERM), then the service replaces it", lastSegment(spot.Interrupted[0]))
		if err := d.waitStopped(ctx, spot.Interrupted); err != nil {
			return err
		}
		if err := d.waitStable(ctx, "web"); err != nil {
			return err
		}
	}
	if err := d.pause(ctx); err != nil {
		return err
	}

	d.step(4, "A task retirement: AWS retires the platform revision api runs on")
	ret, err := d.c.Retire(ctx, emulator.RetireRequest{Cluster: demoCluster, Service: "api"})
	if err != nil {
		return err
	}
	var retiring []string
	for _, r := range ret.Retirements {
		retiring = append(retiring, r.TaskArn)
		d.say("%s retires at %s (the account's 7-day wait period)", lastSegment(r.TaskArn), r.RetireAt.UTC().Format(time.RFC3339))
	}
	d.say("fast-forwarding the emulator's clock 7 days")
	st, err := d.c.MoveClock(ctx, ecsminiapi.ClockRequest{Advance: "7d"})
	if err != nil {
		return err
	}
	d.say("it is now %s", st.Now.UTC().Format(time.RFC3339))
	if err := d.waitStopped(ctx, retiring); err != nil {
		return err
	}
	if err := d.waitStable(ctx, "api"); err != nil {
		return err
	}

	d.step(5, "That was ECS")
	d.say("the same stack deploys to AWS: ecsmini convert -f compose.yaml --format cli-input --output-dir ecs/")
	return nil
}

// waitStable waits until each service has one COMPLETED deployment and its desired
// count running, telling the services' events as they come.
func (d *demo) waitStable(ctx context.Context, names ...string) error {
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	for {
		var out ecs.DescribeServicesOutput
		if err := d.c.Call(ctx, "DescribeServices", &ecs.DescribeServicesInput{Cluster: demoCluster, Services: names}, &out); err != nil {
			return err
		}
		stable := len(out.Services) == len(names)
		for _, s := range out.Services {
			d.tell(s)
			stable = stable && len(s.Deployments) == 1 && s.Deployments[0].RolloutState == "COMPLETED" && s.RunningCount == s.DesiredCount
		}
		if stable {
			return nil
		}
		if err := d.sleep(ctx, demoPoll); err != nil {
			return fmt.Errorf("services %s did not settle: %w", strings.Join(names, ", "), err)
		}
	}
}

// tell prints a service's new events, oldest first.
func (d *demo) tell(s *ecs.Service) {
	for _, e := range slices.Backward(s.Events) {
		if d.seen[e.ID] {
			continue
		}
		d.seen[e.ID] = true
		fmt.Fprintf(d.out, "   %s\n", e.Message)
	}
}

// waitStopped waits until the tasks are STOPPED and tells why.
func (d *demo) waitStopped(ctx context.Context, arns []string) error {
	ctx, cancel := context.WithTimeout(ctx, 4*time.Minute)
	defer cancel()
	for {
		tasks, err := d.c.DescribeTasks(ctx, demoCluster, arns)
		if err != nil {
			return err
		}
		done := true
		for _, t := range tasks {
			done = done && t.LastStatus == ecs.StatusStopped
		}
		if done {
			for _, t := range tasks {
				d.say("%s stopped: %s (%s)", lastSegment(t.TaskArn), t.StopCode, t.StoppedReason)
			}
			return nil
		}
		if err := d.sleep(ctx, demoPoll); err != nil {
			return fmt.Errorf("tasks did not stop: %w", err)
		}
	}
}

// showTasks lists the running tasks with where they run.
func (d *demo) showTasks(ctx context.Context) error {
	arns, err := d.c.ListTasks(ctx, ecs.ListTasksInput{Cluster: demoCluster, DesiredStatus: ""})
	if err != nil {
		return err
	}
	tasks, err := d.c.DescribeTasks(ctx, demoCluster, arns)
	if err != nil {
		return err
	}
	for _, t := range tasks {
		where := t.CapacityProviderName
		if where == "" {
			where = t.LaunchType
		}
		d.say("task %s  %-12s %-13s %s %s", lastSegment(t.TaskArn)[:12], lastSegment(t.TaskDefinitionArn), where, t.LastStatus, t.HealthStatus)
	}
	return nil
}

// showWeb fetches the web page through the load balancer (on Docker).
func (d *demo) showWeb(ctx context.Context) {
	if d.sim {
		d.say("web's load balancer listens on %s (simulated tasks serve no page)", d.webURL)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, d.webURL, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d.say("GET %s: %v", d.webURL, err)
		return
	}
	defer resp.Body.Close()
	d.say("GET %s → %s (a web task answers through the local load balancer)", d.webURL, resp.Status)
}
