package events

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)

// taskEvent is a task state change of task id at version v.
func taskEvent(t testing.TB, id string, v int, last string) Event {
	t.Helper()
	ev, err := New(TaskStateChange, SourceECS, "000000000000", "us-east-1", t0,
		[]string{"arn:aws:ecs:us-east-1:000000000000:task/default/" + id},
		map[string]any{"taskArn": "arn:aws:ecs:us-east-1:000000000000:task/default/" + id, "version": v, "lastStatus": last,
			"containers": []map[string]any{{"name": "web", "exitCode": v}}})
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func mustFilter(t testing.TB, exprs ...string) Filter {
	t.Helper()
	f, err := ParseFilter(exprs)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEnvelope(t *testing.T) {
	ev := taskEvent(t, "abc", 1, "PROVISIONING")
	b, _ := json.Marshal(ev)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"} {
		if _, ok := m[k]; !ok {
			t.Errorf("envelope lacks %q: %s", k, b)
		}
	}
	if m["version"] != "0" || m["time"] != "2026-03-04T05:06:07Z" || len(ev.ID) != 36 {
		t.Errorf("envelope %s", b)
	}
	if got := Stamp(t0); got != "2026-03-04T05:06:07.890Z" {
		t.Errorf("Stamp = %s", got)
	}
	if got := HealthTime(t0); got != "Wed, 04 Mar 2026 05:06:07 GMT" {
		t.Errorf("HealthTime = %s", got)
	}
	empty, _ := New(ServiceAction, SourceECS, "1", "r", t0, nil, struct{}{})
	if b, _ := json.Marshal(empty); !strings.Contains(string(b), `"resources":[]`) {
		t.Errorf("nil resources: %s", b)
	}
}

func TestHistoryKeepsTheLastInOrder(t *testing.T) {
	b := NewBus(3)
	for i := 1; i <= 5; i++ {
		b.Publish(taskEvent(t, "a", i, "RUNNING"))
	}
	h := b.History(Filter{}, 0)
	if len(h) != 3 {
		t.Fatalf("history %d events, want 3", len(h))
	}
	for i, ev := range h {
		if want := fmt.Sprintf(`"version":%d`, i+3); !strings.Contains(string(ev.Detail), want) {
			t.Errorf("history[%d] = %s, want %s", i, ev.Detail, want)
		}
	}
	if last := b.History(Filter{}, 1); len(last) != 1 || !strings.Contains(string(last[0].Detail), `"version":5`) {
		t.Errorf("last 1: %v", last)
	}
	if st := b.Stats(); st.Published != 5 || st.Retained != 3 {
		t.Errorf("stats %+v", st)
	}
}

func TestFilters(t *testing.T) {
	run := taskEvent(t, "aaa", 2, "RUNNING")
	stop := taskEvent(t, "bbb", 7, "STOPPED")
	dep, _ := New(DeploymentStateChange, SourceECS, "000000000000", "eu-west-1", t0,
		[]string{"arn:aws:ecs:eu-west-1:000000000000:service/default/web"},
		map[string]any{"eventName": "SERVICE_DEPLOYMENT_COMPLETED", "ok": true, "none": nil})
	for _, tc := range []struct {
		exprs []string
		want  []bool // run, stop, dep
	}{
		{nil, []bool{true, true, true}},
		{[]string{`detail-type="ECS Task State Change"`}, []bool{true, true, false}},
		{[]string{"detail-type=ECS Task State Change", "detail.lastStatus=STOPPED"}, []bool{false, true, false}},
		{[]string{"detail.lastStatus=STOPPED", "detail.lastStatus=RUNNING"}, []bool{true, true, false}},
		{[]string{"detail.version=7"}, []bool{false, true, false}},
		{[]string{"detail.containers.exitCode=2"}, []bool{true, false, false}},
		{[]string{"detail.containers.name=web"}, []bool{true, true, false}},
		{[]string{"detail.ok=true", "detail.none=null"}, []bool{false, false, true}},
		{[]string{"detail.containers=web"}, []bool{false, false, false}}, // an object is no value
		{[]string{"resource=service/default/web"}, []bool{false, false, true}},
		{[]string{"resource=bbb"}, []bool{false, true, false}},
		{[]string{"region=eu-west-1"}, []bool{false, false, true}},
		{[]string{"source=aws.ecs", "account=000000000000"}, []bool{true, true, true}},
		{[]string{"source=aws.health"}, []bool{false, false, false}},
		{[]string{"detail.missing.deep=x"}, []bool{false, false, false}},
	} {
		f := mustFilter(t, tc.exprs...)
		for i, ev := range []Event{run, stop, dep} {
			if got := f.Match(ev); got != tc.want[i] {
				t.Errorf("%q on event %d: %v, want %v", tc.exprs, i, got, tc.want[i])
			}
		}
	}
	for _, bad := range []string{"lastStatus=STOPPED", "nothing", "=x", "detail.=x", "detail..a=x"} {
		if _, err := ParseFilter([]string{bad}); err == nil {
			t.Errorf("ParseFilter(%q) accepted", bad)
		}
	}
	f := mustFilter(t, "source=aws.ecs", `detail-type="ECS Service Action"`)
	if got := strings.Join(f.Strings(), ";"); got != "source=aws.ecs;detail-type=ECS Service Action" {
		t.Errorf("Strings = %s", got)
	}
}

func TestSubscribersGetMatchingEventsInOrder(t *testing.T) {
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	all := b.Subscribe(ctx, Filter{}, 100)
	stopped := b.Subscribe(ctx, mustFilter(t, "detail.lastStatus=STOPPED"), 100)
	for i := 1; i <= 50; i++ {
		last := "RUNNING"
		if i%10 == 0 {
			last = "STOPPED"
		}
		b.Publish(taskEvent(t, "a", i, last))
	}
	for i := 1; i <= 50; i++ {
		ev := <-all.C
		if !strings.Contains(string(ev.Detail), fmt.Sprintf(`"version":%d}`, i)) {
			t.Fatalf("event %d out of order: %s", i, ev.Detail)
		}
	}
	for i := 10; i <= 50; i += 10 {
		if ev := <-stopped.C; !strings.Contains(string(ev.Detail), fmt.Sprintf(`"version":%d}`, i)) {
			t.Fatalf("stopped subscriber got %s, want version %d", ev.Detail, i)
		}
	}
	if len(stopped.C) != 0 {
		t.Errorf("stopped subscriber has %d more events", len(stopped.C))
	}
}

func TestFollowStartsWithTheHistory(t *testing.T) {
	b := NewBus(0)
	b.Publish(taskEvent(t, "a", 1, "PENDING"), taskEvent(t, "b", 1, "STOPPED"))
	sub, past := b.Follow(context.Background(), mustFilter(t, "resource=/a"), 10)
	b.Publish(taskEvent(t, "a", 2, "RUNNING"), taskEvent(t, "b", 2, "STOPPED"))
	if len(past) != 1 || !strings.Contains(string(past[0].Detail), `"version":1`) {
		t.Fatalf("history %v", past)
	}
	if ev := <-sub.C; !strings.Contains(string(ev.Detail), `"version":2`) || len(sub.C) != 0 {
		t.Fatalf("then %s and %d more", ev.Detail, len(sub.C))
	}
	b.Close()
	if _, ok := <-sub.C; ok {
		t.Error("subscription open after Close")
	}
	b.Publish(taskEvent(t, "a", 3, "STOPPED")) // a no-op, no panic
	late := b.Subscribe(context.Background(), Filter{}, 1)
	if _, ok := <-late.C; ok {
		t.Error("subscription to a closed bus is open")
	}
}

// A subscriber that reads nothing must not hold up Publish; it loses the events its
// buffer cannot hold and is told how many before the next one it gets.
func TestSlowSubscriberLosesEventsAndIsTold(t *testing.T) {
	b := NewBus(0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow := b.Subscribe(ctx, Filter{}, 4)
	fast := b.Subscribe(ctx, Filter{}, 2000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 1; i <= 1000; i++ {
			b.Publish(taskEvent(t, "a", i, "RUNNING"))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if len(fast.C) != 1000 {
		t.Errorf("fast subscriber got %d events, want 1000", len(fast.C))
	}
	if got := slow.Dropped(); got != 996 {
		t.Errorf("slow subscriber dropped %d, want 996", got)
	}
	var got []string
	for len(slow.C) > 0 {
		got = append(got, string((<-slow.C).Detail))
	}
	if len(got) != 4 || !strings.Contains(got[3], `"version":4}`) {
		t.Fatalf("slow subscriber's buffer: %v", got)
	}
	b.Publish(taskEvent(t, "a", 1001, "STOPPED"))
	notice := <-slow.C
	n, ok := Dropped(notice)
	if !ok || n != 996 {
		t.Fatalf("want a notice of 996 dropped, got %+v", notice)
	}
	if ev := <-slow.C; !strings.Contains(string(ev.Detail), `"version":1001}`) {
		t.Fatalf("after the notice: %s", ev.Detail)
	}
	if st := b.Stats(); st.Dropped != 996 || st.Subscribers != 2 {
		t.Errorf("stats %+v", st)
	}
	if _, ok := Dropped(notice); !ok || notice.Region != "us-east-1" {
		t.Errorf("notice %+v", notice)
	}
}

// Subscriptions end with their context and leave no goroutine behind.
func TestSubscriptionsEndWithTheirContext(t *testing.T) {
	before := runtime.NumGoroutine()
	b := NewBus(0)
	var subs []*Subscription
	var cancels []context.CancelFunc
	for range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		subs = append(subs, b.Subscribe(ctx, Filter{}, 1))
		cancels = append(cancels, cancel)
	}
	b.Publish(taskEvent(t, "a", 1, "RUNNING"))
	for _, c := range cancels {
		c()
	}
	for i, s := range subs {
		if _, ok := <-s.C; !ok {
			t.Fatalf("subscription %d lost its buffered event", i)
		}
		select {
		case _, ok := <-s.C:
			if ok {
				t.Fatalf("subscription %d: a second event", i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("subscription %d still open after its context ended", i)
		}
	}
	if st := b.Stats(); st.Subscribers != 0 {
		t.Errorf("%d subscribers left", st.Subscribers)
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits until no more goroutines run than before.
func waitGoroutines(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkPublish publishes task events to three subscribers that read as fast as
// they can: one for everything, one for a detail type, and a third for a source or, in
// the detail case, for a detail field (which decodes the detail). "dropped" counts the
// events the readers lost by falling behind.
func BenchmarkPublish(b *testing.B) {
	for _, tc := range []struct{ name, third string }{
		{"envelope-filters", "source=aws.ecs"},
		{"detail-filter", "detail.lastStatus=STOPPED"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			bus := NewBus(0)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			subs := []*Subscription{
				bus.Subscribe(ctx, Filter{}, 0),
				bus.Subscribe(ctx, mustFilter(b, "detail-type=ECS Task State Change"), 0),
				bus.Subscribe(ctx, mustFilter(b, tc.third), 0),
			}
			done := make(chan struct{})
			for _, s := range subs {
				go func() {
					for range s.C {
					}
					done <- struct{}{}
				}()
			}
			ev := taskEvent(b, "0123456789abcdef0123456789abcdef", 3, "RUNNING")
			b.ReportAllocs()
			for b.Loop() {
				bus.Publish(ev)
			}
			b.StopTimer()
			cancel()
			for range subs {
				<-done
			}
			var lost uint64
			for _, s := range subs {
				lost += s.Dropped()
			}
			b.ReportMetric(float64(lost)/float64(b.N), "dropped/op")
		})
	}
}
