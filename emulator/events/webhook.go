package events

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
)

// Webhook POSTs each event a Bus publishes, as application/json, to a URL, so that users
// can test their EventBridge handlers against ecsmini. It never slows the emulator:
// events wait in a bounded queue and are lost, counted, when it is full. A failed POST
// (no answer, or a status other than 2xx) is retried with a doubling back-off; while
// the URL keeps failing each event gets one attempt, so that the queue keeps moving.
// Failures are logged once per burst, and the end of a burst with the count of events
// lost in it.
type Webhook struct {
	URL    string
	Filter Filter       // only these events (zero: all)
	Client *http.Client // default: http.Client with a 5 s timeout
	Clock  clock.Clock  // waits between attempts and the drain (default clock.Real)
	Log    *slog.Logger // default: discard
	// Queue is how many events may wait to be sent (default 1000).
	Queue int
	// Attempts is how many times an event is tried (default 4: once and 3 retries).
	Attempts int
	// Backoff is the wait before the first retry, doubled before each next (default
	// 250 ms).
	Backoff time.Duration
	// Drain is how long, once Start's context ends, queued events may still be sent
	// (default 2 s): the tasks that stop as ecsmini stops are then still reported.
	Drain time.Duration

	failing bool   // in a burst of failures
	lost    uint64 // events lost in the current burst
}

// Start subscribes to b at once (the webhook sees every event published after Start
// returns) and delivers in a goroutine of its own until ctx ends and the queue is
// drained, or Drain has passed since ctx ended. The returned channel is closed when
// that goroutine has returned.
func (w *Webhook) Start(ctx context.Context, b *Bus) <-chan struct{} {
	if w.Client == nil {
		w.Client = &http.Client{Timeout: 5 * time.Second}
	}
	if w.Clock == nil {
		w.Clock = clock.Real{}
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
	if w.Queue <= 0 {
		w.Queue = 1000
	}
	if w.Attempts <= 0 {
		w.Attempts = 4
	}
	if w.Backoff <= 0 {
		w.Backoff = 250 * time.Millisecond
	}
	if w.Drain <= 0 {
		w.Drain = 2 * time.Second
	}
	sub := b.Subscribe(ctx, w.Filter, w.Queue)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.run(ctx, sub)
	}()
	return done
}

// run delivers until the subscription's channel closes (ctx ended) and is empty. Sends
// are cut short Drain after ctx ends; events still queued then are counted as lost.
func (w *Webhook) run(ctx context.Context, sub *Subscription) {
	sending, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A drain timer left pending when run returns only cancels a finished context.
	defer context.AfterFunc(ctx, func() { w.Clock.AfterFunc(w.Drain, cancel) })()
	for ev := range sub.C {
		if n, ok := Dropped(ev); ok {
			w.trouble(n, "events dropped: the webhook is slower than events arrive")
			continue
		}
		if sending.Err() != nil {
			w.lost++
			continue
		}
		w.deliver(sending, ev)
	}
	if w.lost > 0 {
		w.Log.Error("event webhook: events not delivered", "url", w.URL, "lost", w.lost)
	}
}

func (w *Webhook) deliver(ctx context.Context, ev Event) {
	body, err := json.Marshal(ev)
	if err != nil {
		w.trouble(1, err.Error())
		return
	}
	attempts := w.Attempts
	if w.failing {
		attempts = 1
	}
	wait := w.Backoff
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if !w.sleep(ctx, wait) {
				break
			}
			wait *= 2
		}
		if err = w.post(ctx, body); err == nil {
			if w.failing {
				w.Log.Info("event webhook: delivering again", "url", w.URL, "lost", w.lost)
			}
			w.failing, w.lost = false, 0
			return
		}
	}
	w.trouble(1, err.Error())
}

// trouble counts n lost events and logs the first trouble of a burst.
func (w *Webhook) trouble(n uint64, why string) {
	if !w.failing {
		w.Log.Error("event webhook: cannot deliver events (further failures are not logged until it works again)", "url", w.URL, "err", why)
	}
	w.failing = true
	w.lost += n
}

func (w *Webhook) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "ecsmini-events")
	resp, err := w.Client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// sleep waits d on the webhook's clock; false if ctx ended first.
func (w *Webhook) sleep(ctx context.Context, d time.Duration) bool {
	fired := make(chan struct{})
	t := w.Clock.AfterFunc(d, func() { close(fired) })
	defer t.Stop()
	select {
	case <-fired:
		return true
	case <-ctx.Done():
		return false
	}
}
