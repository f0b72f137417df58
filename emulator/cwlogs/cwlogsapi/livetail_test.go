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
	// What the updates carry is tested on the service with a fake clock
	// (cwlogs.TestLiveTail) and with boto3 in .ci/logs.sh: with the Go SDK the session's
	// connection is sometimes closed by the client after sessionStart (under investigation).
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
