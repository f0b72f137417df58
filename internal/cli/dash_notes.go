package cli

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/tui"
)

// notesBuffer is how many notes wait for the dashboard; beyond, new ones are dropped
// (the held log keeps them for when the dashboard closes).
const notesBuffer = 512

// noteFeed turns what a helper beside the dashboard writes (the compose watcher, the
// demo's narration) into the dashboard's notes, one per line, without ever blocking
// the writer: nobody reads them when there is no dashboard.
type noteFeed struct {
	ch     chan tui.Note
	source string
	now    func() time.Time

	mu      sync.Mutex
	partial []byte
}

func newNoteFeed(ch chan tui.Note, source string) *noteFeed {
	return &noteFeed{ch: ch, source: source, now: time.Now}
}

// Write sends each complete, non-empty line as an info note ("compose: " and
// "demo: " prefixes dropped: the band names the source).
func (f *noteFeed) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.partial = append(f.partial, p...)
	for {
		i := bytes.IndexByte(f.partial, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(f.partial[:i]), "\r")
		f.partial = f.partial[i+1:]
		line = strings.TrimPrefix(line, f.source+": ")
		if strings.TrimSpace(line) != "" {
			f.send(tui.Note{Text: line})
		}
	}
	return len(p), nil
}

// applied reports how a compose import ended: the band shows a failure until an
// import works again.
func (f *noteFeed) applied(project string, err error) {
	if err != nil {
		f.send(tui.Note{Level: tui.NoteError, Text: strings.TrimPrefix(err.Error(), "compose: ")})
		return
	}
	f.send(tui.Note{Level: tui.NoteOK, Text: "project " + project + " matches its files"})
}

func (f *noteFeed) send(n tui.Note) {
	n.Source, n.Time = f.source, f.now()
	select {
	case f.ch <- n:
	default:
	}
}

// lockedOutput makes each Write to w whole with respect to the others, so that an OSC
// 52 clipboard sequence is never cut into the middle of a dashboard frame. A terminal
// stays a terminal (its Fd is how bubbletea finds its size).
func lockedOutput(w io.Writer) io.Writer {
	mu := &sync.Mutex{}
	if f, ok := w.(*os.File); ok {
		return lockedTTY{File: f, mu: mu}
	}
	return &syncWriter{w: w, mu: mu}
}

type syncWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

type lockedTTY struct {
	*os.File
	mu *sync.Mutex
}

func (t lockedTTY) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.File.Write(p)
}

// osc52 copies text to the clipboard of the terminal that shows w (OSC 52: xterm,
// iTerm2, kitty, WezTerm, tmux with set-clipboard, and terminals over SSH).
func osc52(w io.Writer) func(string) error {
	return func(text string) error {
		seq := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
		if _, err := io.WriteString(w, seq); err != nil {
			return fmt.Errorf("copying to the clipboard: %w", err)
		}
		return nil
	}
}
