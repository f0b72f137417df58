package ecsbridge_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/smithy-go"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/agent"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/appscaling/appscalingapi"
	"github.com/ecsmini/ecsmini/emulator/appscaling/ecsbridge"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

const account = "000000000000"

var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// env is the emulator on the simulated runtime with the real agent, Application Auto
// Scaling run by its loop, and both APIs behind one HTTP server, as `ecsmini up` has it.
type env struct {
	emu   *emulator.Emulator
	clock *clock.Fake
	act   *clock.Activity
	asc   *appscaling.Service
	dir   string
	srv   *httptest.Server
	aas   *aas.Client
	ctx   context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fake := clock.NewFake(testStart)
	act := clock.NewActivity()
	emu, err := emulator.New(emulator.Config{Clock: fake, Activity: act, AccountID: account, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	rt := sim.New(fake, sim.Options{Activity: act})
	a := agent.New(agent.Config{Runtime: rt, Clock: fake, Store: emu, Region: "us-east-1", Account: account, PauseImage: "pause", Activity: act})
	runCtx, cancel := context.WithCancel(context.Background())
	if err := a.Start(runCtx); err != nil {
		cancel()
		t.Fatal(err)
	}
	emu.SetRunner(a)
	e := &env{emu: emu, clock: fake, act: act, dir: t.TempDir()}
	e.open(t, rt)
	api := httpapi.New(emu, nil)
	api.HandleTarget(appscalingapi.TargetPrefix, handlerOf(e))
	e.srv = httptest.NewServer(api)
	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	e.ctx = ctx
	t.Cleanup(func() {
		stop()
		e.srv.Close()
		cancel()
		a.Wait()
		_ = emu.Close()
	})
	e.aas = aas.New(aas.Options{Region: "us-east-1", BaseEndpoint: aws.String(e.srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), Retryer: aws.NopRetryer{},
		HTTPClient: &http.Client{Transport: plainBodies{awshttp.NewBuildableClient().GetTransport()}}})
	return e
}

// handlerOf serves whichever Service the env has now (reopen replaces it).
func handlerOf(e *env) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		appscalingapi.New(e.asc, nil).ServeHTTP(w, r)
	})
}

// open opens Application Auto Scaling over the env's state dir, as `up` does.
func (e *env) open(t *testing.T, rt ecsbridge.Stats) {
	t.Helper()
	b := ecsbridge.New(e.emu, rt)
	svc, err := appscaling.Open(appscaling.Config{Dir: e.dir, Clock: e.clock, Region: "us-east-1", Account: account,
		Services: b, Metrics: b, OnChange: b.Publish, Kick: e.emu.Kick})
	if err != nil {
		t.Fatal(err)
	}
	if e.asc == nil {
		e.emu.AddReconciler(reconcilerOf{e})
	}
	e.asc = svc
}

// reconcilerOf runs whichever Service the env has now.
type reconcilerOf struct{ e *env }

func (r reconcilerOf) Reconcile(now time.Time) (time.Time, error) { return r.e.asc.Reconcile(now) }

func (e *env) settle(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.emu.Settle(ctx); err != nil {
		t.Fatalf("%v (work under way: %d)", err, e.act.Busy())
	}
}

// advance moves the clock a minute at a time, settling after each, as the loop would
// see a running clock.
func (e *env) advance(t *testing.T, d time.Duration) {
	t.Helper()
	for d > 0 {
		step := min(d, time.Minute)
		e.clock.Advance(step)
		e.settle(t)
		d -= step
	}
}

// service creates a service of n tasks of a task definition whose container carries
// labels (the simulated runtime's declared behaviour).
func (e *env) service(t *testing.T, name string, n int, labels map[string]string) {
	t.Helper()
	td := &ecs.RegisterTaskDefinitionInput{Family: name, ContainerDefinitions: []ecs.ContainerDefinition{{
		Name: ecs.Ptr("app"), Image: ecs.Ptr("ecsmini-demo:latest"), Cpu: 256, Memory: ecs.Ptr(512), DockerLabels: labels}}}
	if _, err := e.emu.RegisterTaskDefinition(e.ctx, td); err != nil {
		t.Fatal(err)
	}
	if _, err := e.emu.CreateService(e.ctx, &ecs.CreateServiceInput{ServiceName: name, TaskDefinition: name, DesiredCount: ecs.Ptr(n)}); err != nil {
		t.Fatal(err)
	}
	e.settle(t)
}

// described is the service as DescribeServices has it.
func (e *env) described(t *testing.T, name string) *ecs.Service {
	t.Helper()
	out, err := e.emu.DescribeServices(e.ctx, &ecs.DescribeServicesInput{Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %v %+v", name, err, out)
	}
	return out.Services[0]
}

type plainBodies struct{ next http.RoundTripper }

func (p plainBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return p.next.RoundTrip(r)
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s (%q), got %v", code, msg, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s containing %q, got %s: %s", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}
