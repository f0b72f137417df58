package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestHeldWriter: while the dashboard has the screen, log lines wait (the last
// heldMax of them) and come out when it closes.
func TestHeldWriter(t *testing.T) {
	var out bytes.Buffer
	h := newHeldWriter(&out)
	fmt.Fprintln(h, "before")
	h.hold()
	for i := range heldMax + 5 {
		fmt.Fprintf(h, "held %d\n", i)
	}
	if out.String() != "before\n" {
		t.Fatalf("written while held: %q", out.String())
	}
	h.release()
	fmt.Fprintln(h, "after")
	got := out.String()
	for _, want := range []string{"before\n(5 earlier log lines dropped", "held 5\n", fmt.Sprintf("held %d\nafter\n", heldMax+4)} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "held 4\n") {
		t.Error("kept more than heldMax lines")
	}
}
