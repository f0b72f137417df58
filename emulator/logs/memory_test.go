package logs

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// Every running container has a follower for its whole life, mostly idle: what each
// holds is paid once per running task (4,500 tasks held 280 MiB with 64 KiB buffers).
func TestIdleFollowersHoldLittleMemory(t *testing.T) {
	e := newEnv(t, nil)
	const n = 300
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%032x", i+1)
		e.run("arn:aws:ecs:us-east-1:000000000000:task/default/"+ids[i], "app", "ready", nil)
	}
	for _, id := range ids { // each follower has read its first line and waits for more
		waitFor(t, e.c, "the follower of "+id, func() bool { return len(e.texts("default", id, "app")) == 1 })
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perFollower := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	t.Logf("%d bytes of heap per running container and its follower", perFollower)
	if perFollower > 16<<10 {
		t.Fatalf("each idle follower holds %d bytes of heap, want at most 16 KiB", perFollower)
	}
}

// A follower that meets long or many lines reads them all, in order, through the
// larger buffer it moves to.
func TestFollowerGrowsItsBuffer(t *testing.T) {
	e := newEnv(t, nil)
	var lines []string
	for i := range 200 {
		lines = append(lines, fmt.Sprintf("line %03d %s", i, strings.Repeat("x", i*7)))
	}
	id := fmt.Sprintf("%032x", 7)
	e.run("arn:aws:ecs:us-east-1:000000000000:task/default/"+id, "app", strings.Join(lines, "\n"), nil)
	waitFor(t, e.c, "every line", func() bool { return len(e.texts("default", id, "app")) == len(lines) })
	if got := e.texts("default", id, "app"); !slices.Equal(got, lines) {
		t.Fatalf("lines differ: got %d, first %q", len(got), got[0])
	}
}
