package cwlogsapi_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
)

// seq are messages m0..m(n-1).
func seq(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("m%d", i)
	}
	return out
}

func TestGetLogEventsTokens(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "s")
	e.put("g", "s", -time.Minute, seq(5)...)
	get := func(in cwl.GetLogEventsInput) *cwl.GetLogEventsOutput {
		t.Helper()
		in.LogGroupName, in.LogStreamName = aws.String("g"), aws.String("s")
		out, err := e.logs.GetLogEvents(e.ctx, &in)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	// Without a token: the newest events, oldest first; from the head: the oldest.
	tail := get(cwl.GetLogEventsInput{Limit: aws.Int32(2)})
	if got := outMsgs(tail.Events); !slices.Equal(got, []string{"m3", "m4"}) {
		t.Fatalf("tail: %v", got)
	}
	head := get(cwl.GetLogEventsInput{Limit: aws.Int32(2), StartFromHead: aws.Bool(true)})
	if got := outMsgs(head.Events); !slices.Equal(got, []string{"m0", "m1"}) {
		t.Fatalf("head: %v", got)
	}
	// Forward from the head's token: the next page, then the rest, then the end, where
	// the token passed comes back.
	next := get(cwl.GetLogEventsInput{Limit: aws.Int32(2), NextToken: head.NextForwardToken, StartFromHead: aws.Bool(true)})
	if got := outMsgs(next.Events); !slices.Equal(got, []string{"m2", "m3"}) {
		t.Fatalf("forward: %v", got)
	}
	last := get(cwl.GetLogEventsInput{NextToken: next.NextForwardToken})
	if got := outMsgs(last.Events); !slices.Equal(got, []string{"m4"}) {
		t.Fatalf("forward to the end: %v", got)
	}
	end := get(cwl.GetLogEventsInput{NextToken: last.NextForwardToken})
	if len(end.Events) != 0 || aws.ToString(end.NextForwardToken) != aws.ToString(last.NextForwardToken) {
		t.Fatalf("at the end: %v, token %s then %s", outMsgs(end.Events), aws.ToString(last.NextForwardToken), aws.ToString(end.NextForwardToken))
	}
	// Backward from the tail's token.
	back := get(cwl.GetLogEventsInput{Limit: aws.Int32(2), NextToken: tail.NextBackwardToken})
	if got := outMsgs(back.Events); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Fatalf("backward: %v", got)
	}
	first := get(cwl.GetLogEventsInput{Limit: aws.Int32(2), NextToken: back.NextBackwardToken})
	if got := outMsgs(first.Events); !slices.Equal(got, []string{"m0"}) {
		t.Fatalf("backward to the start: %v", got)
	}
	// New events appear after the forward token of the end.
	e.put("g", "s", 0, "new")
	if got := outMsgs(get(cwl.GetLogEventsInput{NextToken: end.NextForwardToken}).Events); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("followed: %v", got)
	}
	// Time range: startTime inclusive, endTime exclusive.
	from := e.clock.Now().Add(-time.Minute).UnixMilli()
	ranged := get(cwl.GetLogEventsInput{StartTime: aws.Int64(from + 1), EndTime: aws.Int64(from + 3), StartFromHead: aws.Bool(true)})
	if got := outMsgs(ranged.Events); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Fatalf("time range: %v", got)
	}
	_, err := e.logs.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), NextToken: aws.String("f/nonsense")})
	wantAPIError(t, err, "InvalidParameterException", "The specified nextToken is invalid.")
	_, err = e.logs.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("nope")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
}

func TestPutLogEventsValidation(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "s")
	now := e.clock.Now().UnixMilli()
	ev := func(ts int64, m string) types.InputLogEvent {
		return types.InputLogEvent{Timestamp: aws.Int64(ts), Message: aws.String(m)}
	}
	tests := []struct {
		name, group, stream string
		events              []types.InputLogEvent
		code, msg           string
	}{
		{"no group", "nope", "s", []types.InputLogEvent{ev(now, "x")}, "ResourceNotFoundException", "The specified log group does not exist."},
		{"no stream", "g", "nope", []types.InputLogEvent{ev(now, "x")}, "ResourceNotFoundException", "The specified log stream does not exist."},
		{"out of order", "g", "s", []types.InputLogEvent{ev(now, "b"), ev(now-1, "a")}, "InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order."},
		{"span", "g", "s", []types.InputLogEvent{ev(now-25*3600*1000, "a"), ev(now, "b")}, "InvalidParameterException", "The batch of log events in a single PutLogEvents request cannot span more than 24 hours."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.logs.PutLogEvents(e.ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(tt.group), LogStreamName: aws.String(tt.stream), LogEvents: tt.events})
			wantAPIError(t, err, tt.code, tt.msg)
		})
	}
	// Too old and too new events are rejected by index; the others are kept.
	day := int64(24 * 3600 * 1000)
	put := func(evs ...types.InputLogEvent) *types.RejectedLogEventsInfo {
		t.Helper()
		out, err := e.logs.PutLogEvents(e.ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), LogEvents: evs})
		if err != nil {
			t.Fatal(err)
		}
		return out.RejectedLogEventsInfo
	}
	if r := put(ev(now-14*day-2, "old"), ev(now-14*day-1, "old2"), ev(now-14*day+3600000, "ok")); r == nil || aws.ToInt32(r.TooOldLogEventEndIndex) != 1 || r.TooNewLogEventStartIndex != nil {
		t.Fatalf("rejected %+v", r)
	}
	if r := put(ev(now, "ok2"), ev(now+3*3600*1000, "future")); r == nil || aws.ToInt32(r.TooNewLogEventStartIndex) != 1 || r.TooOldLogEventEndIndex != nil {
		t.Fatalf("rejected %+v", r)
	}
	got, _ := e.logs.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s")})
	if !slices.Equal(outMsgs(got.Events), []string{"ok", "ok2"}) {
		t.Fatalf("stored %v", outMsgs(got.Events))
	}
}

func TestRetentionPurgesOnTheEmulatorClock(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "s")
	e.put("g", "s", 0, "day0")
	e.clock.Advance(36 * time.Hour)
	e.put("g", "s", 0, "day1.5")
	_, err := e.logs.PutRetentionPolicy(e.ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(2)})
	wantAPIError(t, err, "InvalidParameterException", "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]")
	if _, err := e.logs.PutRetentionPolicy(e.ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	msgs := func() []string {
		out, err := e.logs.FilterLogEvents(e.ctx, &cwl.FilterLogEventsInput{LogGroupName: aws.String("g")})
		if err != nil {
			t.Fatal(err)
		}
		return filteredMsgs(out.Events)
	}
	if got := msgs(); !slices.Equal(got, []string{"day1.5"}) {
		t.Fatalf("after retention 1 day: %v", got)
	}
	e.clock.Advance(23 * time.Hour)
	if got := msgs(); !slices.Equal(got, []string{"day1.5"}) {
		t.Fatalf("23 hours later: %v", got)
	}
	e.clock.Advance(2 * time.Hour)
	if got := msgs(); len(got) != 0 {
		t.Fatalf("a day later: %v", got)
	}
	gs, _ := e.logs.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{})
	if aws.ToInt32(gs.LogGroups[0].RetentionInDays) != 1 {
		t.Fatalf("retention %v", gs.LogGroups[0].RetentionInDays)
	}
	if _, err := e.logs.DeleteRetentionPolicy(e.ctx, &cwl.DeleteRetentionPolicyInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	gs, _ = e.logs.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{})
	if gs.LogGroups[0].RetentionInDays != nil {
		t.Fatalf("retention still %v", *gs.LogGroups[0].RetentionInDays)
	}
}

func TestLogsSurviveRestart(t *testing.T) {
	e := newEnv(t)
	e.group("g")
	e.stream("g", "s")
	e.put("g", "s", 0, seq(3)...)
	if _, err := e.logs.PutRetentionPolicy(e.ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String("g"), RetentionInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	e.open()
	out, err := e.logs.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got := outMsgs(out.Events); !slices.Equal(got, seq(3)) {
		t.Fatalf("after restart: %v", got)
	}
	gs, _ := e.logs.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{})
	if aws.ToInt32(gs.LogGroups[0].RetentionInDays) != 7 {
		t.Fatalf("retention after restart: %v", gs.LogGroups[0].RetentionInDays)
	}
	// New events continue the stream after the old ones.
	e.put("g", "s", time.Millisecond*10, "after")
	out, _ = e.logs.GetLogEvents(e.ctx, &cwl.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("s"), StartFromHead: aws.Bool(true)})
	if got := outMsgs(out.Events); !slices.Equal(got, append(seq(3), "after")) {
		t.Fatalf("appended after restart: %v", got)
	}
}
