package cwlogsapi_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ecsmini/ecsmini/emulator/cwlogs/cwlogsapi"
)

// noHostPrefix keeps the SDK from sending StartLiveTail to "stream-127.0.0.1".
func noHostPrefix(o *cwl.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("ecsminiNoHostPrefix",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
			}), middleware.Before)
	})
}

func TestStartLiveTail(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "ecs/web/1")
	e.stream("g", "other")
	e.put("g", "ecs/web/1", 0, "ERROR before the session")

	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	out, err := e.logs.StartLiveTail(ctx, &cwl.StartLiveTailInput{
		LogGroupIdentifiers:   []string{"arn:aws:logs:us-east-1:000000000000:log-group:g"},
		LogStreamNamePrefixes: []string{"ecs/"},
		LogEventFilterPattern: aws.String("ERROR"),
	}, noHostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	next := func() types.StartLiveTailResponseStream {
		t.Helper()
		select {
		case ev, ok := <-stream.Events():
			if !ok {
				t.Fatalf("stream ended: %v", stream.Err())
			}
			return ev
		case <-time.After(10 * time.Second):
			t.Fatal("no event")
		}
		return nil
	}
	start, ok := next().(*types.StartLiveTailResponseStreamMemberSessionStart)
	if !ok || !slices.Equal(start.Value.LogGroupIdentifiers, []string{"arn:aws:logs:us-east-1:000000000000:log-group:g"}) ||
		aws.ToString(start.Value.LogEventFilterPattern) != "ERROR" {
		t.Fatalf("first event %#v", start)
	}
	// A second passes on the emulator clock: the update carries the matching events
	// ingested since the session started, from the streams it watches.
	e.put("g", "ecs/web/1", 0, "ERROR one", "INFO skipped")
	e.put("g", "other", 0, "ERROR elsewhere")
	e.stream("g", "ecs/web/2")
	e.put("g", "ecs/web/2", 0, "ERROR two")
	tick := func() *types.LiveTailSessionUpdate {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for e.clock.Pending() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the session never waited for its next second")
			}
			time.Sleep(time.Millisecond)
		}
		e.clock.Advance(time.Second)
		up, ok := next().(*types.StartLiveTailResponseStreamMemberSessionUpdate)
		if !ok {
			t.Fatalf("update %#v", up)
		}
		return &up.Value
	}
	up := tick()
	var got []string
	for _, r := range up.SessionResults {
		got = append(got, aws.ToString(r.LogStreamName)+": "+aws.ToString(r.Message))
		if aws.ToString(r.LogGroupIdentifier) != "arn:aws:logs:us-east-1:000000000000:log-group:g" {
			t.Fatalf("result %+v", r)
		}
	}
	if !slices.Equal(got, []string{"ecs/web/1: ERROR one", "ecs/web/2: ERROR two"}) {
		t.Fatalf("update has %q", got)
	}
	if up := tick(); len(up.SessionResults) != 0 {
		t.Fatalf("nothing new, yet the update has %+v", up.SessionResults)
	}
	_, err = e.logs.StartLiveTail(ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"nope"}}, noHostPrefix)
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestLiveTailEndsWithTheSessionsContext(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	sessions, endSessions := context.WithCancel(context.Background())
	h := cwlogsapi.New(e.svc, nil)
	h.Sessions = sessions
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := cwl.New(cwl.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	out, err := client.StartLiveTail(e.ctx, &cwl.StartLiveTailInput{LogGroupIdentifiers: []string{"g"}}, noHostPrefix)
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()
	<-stream.Events() // sessionStart
	endSessions()
	select {
	case _, ok := <-stream.Events():
		if ok {
			t.Fatal("an update after the sessions' context ended")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end with its context")
	}
}
