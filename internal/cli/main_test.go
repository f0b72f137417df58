package cli

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// Errors reach stderr as one line (DESIGN: "a one-line error on stderr"), whatever
// their source: cobra's suggestions, joined errors, messages with a hint on a line of
// its own.
func TestMainErrorIsOneLine(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := Main([]string{"lgos"}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if got, want := stderr.String(), "ecsmini: unknown command \"lgos\" for \"ecsmini\"; Did you mean this? logs\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	for _, tc := range []struct{ err, want string }{
		{errors.Join(errors.New("removing a: busy"), errors.New("removing b: gone")).Error(), "removing a: busy; removing b: gone"},
		{"cannot reach Docker. Is it running?\n(start Docker, or: ecsmini up --runtime sim)", "cannot reach Docker. Is it running? (start Docker, or: ecsmini up --runtime sim)"},
		{"one line", "one line"},
	} {
		if got := oneLine(tc.err); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.err, got, tc.want)
		}
		if strings.Contains(oneLine(tc.err), "\n") {
			t.Errorf("oneLine(%q) has a newline", tc.err)
		}
	}
}
