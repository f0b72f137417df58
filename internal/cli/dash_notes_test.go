package cli

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/tui"
)

func TestNoteFeed(t *testing.T) {
	ch := make(chan tui.Note, 8)
	f := newNoteFeed(ch, "compose")
	f.now = func() time.Time { return time.Unix(0, 0) }
	if _, err := f.Write([]byte("compose: files changed, re-importing\n\ncompose: building")); err != nil {
		t.Fatal(err)
	}
	_, _ = f.Write([]byte(" web\n"))
	f.applied("shop", errors.New("compose: yaml: line 3: did not find expected key; the running stack is unchanged"))
	f.applied("shop", nil)
	want := []tui.Note{
		{Source: "compose", Text: "files changed, re-importing"},
		{Source: "compose", Text: "building web"},
		{Source: "compose", Level: tui.NoteError, Text: "yaml: line 3: did not find expected key; the running stack is unchanged"},
		{Source: "compose", Level: tui.NoteOK, Text: "project shop matches its files"},
	}
	for i, w := range want {
		got := <-ch
		w.Time = time.Unix(0, 0)
		if got != (tui.Note{Time: w.Time, Source: w.Source, Text: w.Text, Level: w.Level}) {
			t.Errorf("note %d = %+v, want %+v", i, got, w)
		}
	}
	for range 2 * notesBuffer { // nobody reads: the writer never blocks
		f.applied("shop", nil)
	}
}

func TestOSC52(t *testing.T) {
	var b bytes.Buffer
	if err := osc52(lockedOutput(&b))("hi"); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "\x1b]52;c;aGk=\a" {
		t.Fatalf("%q", got)
	}
}
