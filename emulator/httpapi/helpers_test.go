package httpapi_test

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
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

const account = "000000000000"

// testStart is the fake clock's start; timestamps in responses are checked against it.
var testStart = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// env is one emulator behind a real HTTP server, with an SDK client for us-east-1.
type env struct {
	emu   *emulator.Emulator
	clock *clock.Fake
	act   *clock.Activity // shared by the emulator, the agent and the simulated runtime
	srv   *httptest.Server
	ecs   *sdkecs.Client
}

func newEnv(t testing.TB) *env { t.Helper(); return newEnvConfig(t, nil) }

// newEnvConfig is newEnv with the emulator's options changed by opts (when not nil).
func newEnvConfig(t testing.TB, opts func(*emulator.Config)) *env {
	t.Helper()
	fake := clock.NewFake(testStart)
	act := clock.NewActivity()
	cfg := emulator.Config{Clock: fake, Activity: act}
	if opts != nil {
		opts(&cfg)
	}
	emu, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulator.New: %v", err)
	}
	srv := httptest.NewServer(httpapi.New(emu, nil))
	t.Cleanup(func() {
		srv.Close()
		_ = emu.Close()
	})
	e := &env{emu: emu, clock: fake, act: act, srv: srv}
	e.ecs = e.client("us-east-1")
	return e
}

// settle runs the control loop, the agent and the simulated runtime until nothing is
// left to do at the fake clock's current time (emulator.Settle).
func (e *env) settle(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), settleLimit)
	defer cancel()
	if err := e.emu.Settle(ctx); err != nil {
		t.Fatalf("%v (work under way: %d)", err, e.act.Busy())
	}
}

// settleLimit bounds, in real time, a Settle that never ends: a test fails with it only
// when an activity token leaked. A passing Settle takes milliseconds.
const settleLimit = 20 * time.Second

// advance moves the fake clock forward and settles.
func (e *env) advance(t testing.TB, d time.Duration) {
	t.Helper()
	e.clock.Advance(d)
	e.settle(t)
}

// client is an SDK client signing for region, without retries so error tests are fast.
func (e *env) client(region string) *sdkecs.Client {
	return sdkecs.New(sdkecs.Options{
		Region:       region,
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: plainBodies{awshttp.NewBuildableClient().GetTransport()}},
	})
}

// plainBodies works around a client-side race between smithy-go and net/http: the SDK
// closes a request body as soon as the response arrives, and the body's WriteTo then
// returns io.EOF, which net/http's writer takes for a write failure and closes the
// connection while the response is still being read ("deserialization failed ... use
// of closed network connection"). An in-process server answers fast enough to lose
// that race under load; hiding WriteTo makes net/http read the body, where a closed
// body is a clean EOF.
type plainBodies struct{ next http.RoundTripper }

func (p plainBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = struct{ io.ReadCloser }{r.Body}
	}
	return p.next.RoundTrip(r)
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// assertAPIError checks err is an API error with the exception name code and a message
// containing msg.
func assertAPIError(t testing.TB, err error, code, msg string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s (%q), got success", code, msg)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %T: %v", code, err, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("want %s containing %q,\n got %s: %q", code, msg, ae.ErrorCode(), ae.ErrorMessage())
	}
}

func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

func arn(resource string) string { return "arn:aws:ecs:us-east-1:" + account + ":" + resource }

func tag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func tagMap(tags []types.Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// minimalTaskDef is a valid EC2 task definition for family.
func minimalTaskDef(family string) *sdkecs.RegisterTaskDefinitionInput {
	return &sdkecs.RegisterTaskDefinitionInput{
		Family: aws.String(family),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("app"), Image: aws.String("nginx:latest"), Memory: aws.Int32(128),
		}},
	}
}

func (e *env) register(t testing.TB, family string) *types.TaskDefinition {
	t.Helper()
	out, err := e.ecs.RegisterTaskDefinition(ctx(t), minimalTaskDef(family))
	if err != nil {
		t.Fatalf("register %s: %v", family, err)
	}
	return out.TaskDefinition
}

func (e *env) createCluster(t testing.TB, name string) *types.Cluster {
	t.Helper()
	out, err := e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String(name)})
	if err != nil {
		t.Fatalf("create cluster %s: %v", name, err)
	}
	return out.Cluster
}

// collectPages follows nextToken until the end, failing on a repeated token or more
// than maxPages pages, and returns every item in order plus the number of pages.
func collectPages[T any](t testing.TB, maxPages int, fetch func(token *string) ([]T, *string, error)) ([]T, int) {
	t.Helper()
	var all []T
	var token *string
	seen := map[string]bool{}
	for pages := 1; ; pages++ {
		if pages > maxPages {
			t.Fatalf("more than %d pages", maxPages)
		}
		items, next, err := fetch(token)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		all = append(all, items...)
		if next == nil || *next == "" {
			return all, pages
		}
		if seen[*next] {
			t.Fatalf("nextToken %q repeated", *next)
		}
		seen[*next] = true
		token = next
	}
}

func assertSameList(t testing.TB, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("list mismatch\n got %d: %v\nwant %d: %v", len(got), got, len(want), want)
	}
}
