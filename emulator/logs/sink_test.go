package logs

import (
	"slices"
	"sync"
	"testing"
)

// recordingSink keeps what the collector hands it.
type recordingSink struct {
	mu    sync.Mutex
	lines map[string][]string // by container ID
	label map[string]string   // a label's value seen per container ID
}

func (r *recordingSink) Lines(labels map[string]string, id string, lines []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines[id] = append(r.lines[id], lines...)
	r.label[id] = labels["route"]
}

func (r *recordingSink) got(id string) ([]string, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines[id]), r.label[id]
}

func TestSinkReceivesEveryLineWithTheContainersLabels(t *testing.T) {
	sink := &recordingSink{lines: map[string][]string{}, label: map[string]string{}}
	e := newEnv(t, func(c *Collector) { c.Sink = sink })
	id := e.run(taskARN, "web", "one\ntwo\nthree", map[string]string{"route": "to-here"})
	waitFor(t, e.c, "the sink's lines", func() bool { l, _ := sink.got(id); return len(l) == 3 })
	lines, route := sink.got(id)
	if !slices.Equal(lines, []string{"one", "two", "three"}) || route != "to-here" {
		t.Fatalf("sink got %q with label %q", lines, route)
	}
	// The file has the same lines: the sink is in addition to it.
	if got := e.texts("default", taskID, "web"); !slices.Equal(got, lines) {
		t.Fatalf("file has %q", got)
	}
}
