package sim_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// A follow stream says when a Read would not block, so the log collector parks its
// followers without a goroutine: once the printed lines are read it waits for the
// container's exit (or a removal, the reader's close, the context's end).
func TestLogStreamNotifiesWhenReadable(t *testing.T) {
	tests := []struct {
		name string
		end  func(rt *sim.Runtime, id string, rc io.Closer, cancel context.CancelFunc) error
	}{
		{"container exits", func(rt *sim.Runtime, id string, _ io.Closer, _ context.CancelFunc) error {
			return rt.Stop(context.Background(), id, 0)
		}},
		{"container removed", func(rt *sim.Runtime, id string, _ io.Closer, _ context.CancelFunc) error {
			return rt.Remove(context.Background(), id)
		}},
		{"reader closed", func(_ *sim.Runtime, _ string, rc io.Closer, _ context.CancelFunc) error { return rc.Close() }},
		{"context ends", func(_ *sim.Runtime, _ string, _ io.Closer, cancel context.CancelFunc) error { cancel(); return nil }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rt := sim.New(clock.NewFake(epoch), sim.Options{})
			id, err := rt.Create(ctx, containers.Spec{Name: "talker", Image: testImage,
				Labels: map[string]string{sim.LabelOutput: "hello\nworld"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := rt.Start(ctx, id); err != nil {
				t.Fatal(err)
			}
			rc, err := rt.Logs(ctx, id, true)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			nb, ok := rc.(containers.LogNotifier)
			if !ok {
				t.Fatalf("%T is not a containers.LogNotifier", rc)
			}
			immediate := make(chan struct{})
			nb.WhenReadable(func() { close(immediate) })
			select {
			case <-immediate: // the printed lines are there to read
			default:
				t.Fatal("WhenReadable did not call at once with lines to read")
			}
			buf := make([]byte, 64)
			if n, err := rc.Read(buf); err != nil || string(buf[:n]) != "hello\nworld\n" {
				t.Fatalf("Read = %q, %v", buf[:n], err)
			}
			if nb.Readable() {
				t.Fatal("Readable with everything read and the container running")
			}
			woken := make(chan struct{})
			nb.WhenReadable(func() { close(woken) })
			select {
			case <-woken:
				t.Fatal("woken before the stream ended")
			default:
			}
			if err := tc.end(rt, id, rc, cancel); err != nil {
				t.Fatal(err)
			}
			select {
			case <-woken:
			case <-time.After(10 * time.Second): // context.AfterFunc calls on its own goroutine
				t.Fatal("not woken when the stream ended")
			}
			if !nb.Readable() {
				t.Fatal("not Readable once the stream ended")
			}
			if n, err := rc.Read(buf); n != 0 || err != io.EOF {
				t.Fatalf("Read at the end = %d, %v; want 0, EOF", n, err)
			}
		})
	}
}
