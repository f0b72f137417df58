package cwlogs

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestStreamCapDropsOldestAndBoundsTheFile(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	const maxBytes = 10 * (100 + eventOverhead) // ten 100-byte events
	open := func() *Service {
		s, err := Open(Config{Dir: dir, Clock: clk, MaxStreamBytes: maxBytes})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	if _, err := s.CreateLogGroup(&CreateLogGroupInput{LogGroupName: "g"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateLogStream(&CreateLogStreamInput{LogGroupName: "g", LogStreamName: "s"}); err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		msg := fmt.Sprintf("%03d", i) + strings.Repeat("x", 97)
		if _, err := s.PutLogEvents(&PutLogEventsInput{LogGroupName: "g", LogStreamName: "s",
			LogEvents: []InputLogEvent{{Timestamp: ecs.Ptr(clk.Now().UnixMilli() + int64(i)), Message: &msg}}}); err != nil {
			t.Fatal(err)
		}
	}
	check := func(s *Service) {
		t.Helper()
		out, err := s.GetLogEvents(&GetLogEventsInput{LogGroupName: "g", LogStreamName: "s", StartFromHead: ecs.Ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Events) != 10 || out.Events[0].Message[:3] != "090" || out.Events[9].Message[:3] != "099" {
			t.Fatalf("kept %d events, first %q", len(out.Events), out.Events[0].Message[:3])
		}
	}
	check(s)
	st, err := os.Stat(s.eventsPath(1))
	if err != nil {
		t.Fatal(err)
	}
	// Each line is the event's JSON: a little over the event size; the file is compacted
	// once it passes twice the cap.
	if st.Size() > 3*maxBytes {
		t.Fatalf("file holds %d bytes for a %d-byte cap", st.Size(), maxBytes)
	}
	check(open())
}
