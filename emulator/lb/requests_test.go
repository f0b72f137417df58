package lb

import "testing"

// Requests counts exchanges, not connections: three requests on one keep-alive
// connection and one on another are four.
func TestRequestsCountsExchanges(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	a := startBackend(t, "a")
	registerHealthy(t, fake, b, a)
	c := dialLB(t, b)
	for range 3 {
		if err := c.send("ping"); err != nil {
			t.Fatal(err)
		}
		if _, err := c.reply(); err != nil {
			t.Fatal(err)
		}
	}
	d := dialLB(t, b)
	if err := d.send("ping"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.reply(); err != nil {
		t.Fatal(err)
	}
	if got := b.Requests(); got != 4 {
		t.Fatalf("Requests() = %d, want 4", got)
	}
}
