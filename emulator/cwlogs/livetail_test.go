package cwlogs

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestLiveTail(t *testing.T) {
	clk := clock.NewFake(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	s, err := Open(Config{Clock: clk, Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	put := func(stream string, msgs ...string) {
		t.Helper()
		var evs []InputLogEvent
		for _, m := range msgs {
			evs = append(evs, InputLogEvent{Timestamp: ecs.Ptr(clk.Now().UnixMilli()), Message: ecs.Ptr(m)})
		}
		if _, err := s.PutLogEvents(&PutLogEventsInput{LogGroupName: "g", LogStreamName: stream, LogEvents: evs}); err != nil {
			t.Fatal(err)
		}
	}
	s.CreateLogGroup(&CreateLogGroupInput{LogGroupName: "g"})
	for _, st := range []string{"ecs/web/1", "other"} {
		s.CreateLogStream(&CreateLogStreamInput{LogGroupName: "g", LogStreamName: st})
	}
	put("ecs/web/1", "ERROR before the session")
	tail, err := s.StartLiveTail(&StartLiveTailInput{LogGroupIdentifiers: []string{"arn:aws:logs:us-east-1:000000000000:log-group:g"},
		LogStreamNamePrefixes: []string{"ecs/"}, LogEventFilterPattern: "ERROR"})
	if err != nil {
		t.Fatal(err)
	}
	// next runs Next while the fake clock moves one second.
	next := func() (*LiveTailSessionUpdate, error) {
		t.Helper()
		type result struct {
			up  *LiveTailSessionUpdate
			err error
		}
		ch := make(chan result, 1)
		go func() { up, err := tail.Next(context.Background()); ch <- result{up, err} }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := clk.WaitPending(ctx, 1); err != nil {
			t.Fatalf("Next never waited for the clock: %v", err)
		}
		clk.Advance(time.Second)
		r := <-ch
		return r.up, r.err
	}
	put("ecs/web/1", "ERROR one", "INFO skipped")
	put("other", "ERROR elsewhere")
	s.CreateLogStream(&CreateLogStreamInput{LogGroupName: "g", LogStreamName: "ecs/web/2"})
	put("ecs/web/2", "ERROR two")
	up, err := next()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range up.SessionResults {
		got = append(got, r.LogStreamName+": "+r.Message)
	}
	if !slices.Equal(got, []string{"ecs/web/1: ERROR one", "ecs/web/2: ERROR two"}) || up.SessionMetadata.Sampled {
		t.Fatalf("update %q (sampled %v)", got, up.SessionMetadata.Sampled)
	}
	if up, _ := next(); len(up.SessionResults) != 0 {
		t.Fatalf("nothing new, yet %+v", up.SessionResults)
	}
	// More than 500 events in a second: the newest 500, sampled.
	many := make([]string, 600)
	for i := range many {
		many[i] = "ERROR"
	}
	put("ecs/web/1", many...)
	if up, _ := next(); len(up.SessionResults) != 500 || !up.SessionMetadata.Sampled {
		t.Fatalf("%d results, sampled %v", len(up.SessionResults), up.SessionMetadata.Sampled)
	}
	// Sessions end after three hours.
	clk.Advance(3 * time.Hour)
	if _, err := next(); !errors.Is(err, ErrTailTimeout) {
		t.Fatalf("after three hours: %v", err)
	}
	// Bad requests.
	for _, in := range []StartLiveTailInput{{}, {LogGroupIdentifiers: []string{"g"}, LogStreamNames: []string{"a"}, LogStreamNamePrefixes: []string{"b"}},
		{LogGroupIdentifiers: []string{"g", "g"}, LogStreamNames: []string{"a"}}, {LogGroupIdentifiers: []string{"g"}, LogEventFilterPattern: `{ $.a = `}} {
		if _, err := s.StartLiveTail(&in); err == nil {
			t.Errorf("%+v: no error", in)
		}
	}
}
