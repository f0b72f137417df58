package cwlogsapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/cwlogs/cwlogsapi"
)

var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is a Logs service (on a fake clock, kept in dir) behind an HTTP server, with the
// Go SDK's client.
type env struct {
	t     *testing.T
	clock *clock.Fake
	dir   string
	svc   *cwlogs.Service
	srv   *httptest.Server
	logs  *cwl.Client
	ctx   context.Context
}

func newEnv(t *testing.T) *env {
	e := &env{t: t, clock: clock.NewFake(start), dir: t.TempDir(), ctx: context.Background()}
	e.open()
	return e
}

// open (re)starts the service on e.dir, as ecsmini does on restart.
func (e *env) open() {
	e.t.Helper()
	if e.srv != nil {
		e.srv.Close()
	}
	svc, err := cwlogs.Open(cwlogs.Config{Dir: e.dir, Clock: e.clock, Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc = svc
	e.srv = httptest.NewServer(cwlogsapi.New(svc, nil))
	e.t.Cleanup(e.srv.Close)
	e.logs = cwl.New(cwl.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(e.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
}

func (e *env) group(name string) {
	e.t.Helper()
	if _, err := e.logs.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) stream(group, name string) {
	e.t.Helper()
	if _, err := e.logs.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(name)}); err != nil {
		e.t.Fatal(err)
	}
}

// put writes messages one millisecond apart, starting at the clock's time plus offset.
func (e *env) put(group, stream string, offset time.Duration, msgs ...string) *cwl.PutLogEventsOutput {
	e.t.Helper()
	var evs []types.InputLogEvent
	at := e.clock.Now().Add(offset).UnixMilli()
	for i, m := range msgs {
		evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(at + int64(i)), Message: aws.String(m)})
	}
	out, err := e.logs.PutLogEvents(e.ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

// wantAPIError checks an SDK error's exception name and message.
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s", err, code)
	}
	if ae.ErrorCode() != code || (msg != "" && ae.ErrorMessage() != msg) {
		t.Fatalf("got %s %q, want %s %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func messages[T any](evs []T, msg func(T) string) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, msg(e))
	}
	return out
}

func outMsgs(evs []types.OutputLogEvent) []string {
	return messages(evs, func(e types.OutputLogEvent) string { return aws.ToString(e.Message) })
}

func filteredMsgs(evs []types.FilteredLogEvent) []string {
	return messages(evs, func(e types.FilteredLogEvent) string { return aws.ToString(e.Message) })
}
