package cwlogsapi_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func TestFilterLogEvents(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "ecs/web/1")
	e.stream("g", "ecs/web/2")
	e.stream("g", "other")
	// Interleaved in time across streams: web/1 at +0,+1,+2; web/2 at +10,+11; other at +5.
	e.put("g", "ecs/web/1", 0, `{"level":"error","msg":"db down"}`, "INFO ok", "ERROR Failed to process order")
	e.put("g", "ecs/web/2", 10*time.Millisecond, `{"level":"info","latency":250}`, "WARN slow")
	e.put("g", "other", 5*time.Millisecond, "ERROR in other")
	t0 := e.clock.Now().UnixMilli()
	tests := []struct {
		name string
		in   cwl.FilterLogEventsInput
		want []string
	}{
		{"all, by time", cwl.FilterLogEventsInput{}, []string{`{"level":"error","msg":"db down"}`, "INFO ok", "ERROR Failed to process order", "ERROR in other", `{"level":"info","latency":250}`, "WARN slow"}},
		{"term", cwl.FilterLogEventsInput{FilterPattern: aws.String("ERROR")}, []string{"ERROR Failed to process order", "ERROR in other"}},
		{"phrase", cwl.FilterLogEventsInput{FilterPattern: aws.String(`"Failed to process"`)}, []string{"ERROR Failed to process order"}},
		{"exclusion", cwl.FilterLogEventsInput{FilterPattern: aws.String("ERROR -other")}, []string{"ERROR Failed to process order"}},
		{"optional", cwl.FilterLogEventsInput{FilterPattern: aws.String("?WARN ?INFO")}, []string{"INFO ok", "WARN slow"}},
		{"json", cwl.FilterLogEventsInput{FilterPattern: aws.String(`{ $.level = "error" }`)}, []string{`{"level":"error","msg":"db down"}`}},
		{"json number", cwl.FilterLogEventsInput{FilterPattern: aws.String(`{ $.latency > 100 }`)}, []string{`{"level":"info","latency":250}`}},
		{"stream prefix", cwl.FilterLogEventsInput{LogStreamNamePrefix: aws.String("ecs/web/2")}, []string{`{"level":"info","latency":250}`, "WARN slow"}},
		{"stream names", cwl.FilterLogEventsInput{LogStreamNames: []string{"other", "ecs/web/2"}, FilterPattern: aws.String("ERROR")}, []string{"ERROR in other"}},
		{"time range", cwl.FilterLogEventsInput{StartTime: aws.Int64(t0 + 2), EndTime: aws.Int64(t0 + 10)}, []string{"ERROR Failed to process order", "ERROR in other", `{"level":"info","latency":250}`}},
		{"pages of 2", cwl.FilterLogEventsInput{Limit: aws.Int32(2)}, []string{`{"level":"error","msg":"db down"}`, "INFO ok", "ERROR Failed to process order", "ERROR in other", `{"level":"info","latency":250}`, "WARN slow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.LogGroupName = aws.String("g")
			var got []string
			pages := 0
			p := cwl.NewFilterLogEventsPaginator(e.logs, &tt.in)
			for p.HasMorePages() {
				out, err := p.NextPage(e.ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, ev := range out.Events {
					got = append(got, aws.ToString(ev.Message))
					if !strings.HasPrefix(aws.ToString(ev.LogStreamName), "ecs/") && aws.ToString(ev.LogStreamName) != "other" || len(aws.ToString(ev.EventId)) != 56 {
						t.Fatalf("event %+v", ev)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			if tt.in.Limit != nil && pages != 3 {
				t.Fatalf("%d pages, want 3", pages)
			}
		})
	}
	_, err := e.logs.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), FilterPattern: aws.String(`{ $.level = `)})
	wantAPIError(t, err, "InvalidParameterException", "")
	_, err = e.logs.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	_, err = e.logs.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g"), LogStreamNames: []string{"x"}, LogStreamNamePrefix: aws.String("y")})
	wantAPIError(t, err, "InvalidParameterException", "")
}
