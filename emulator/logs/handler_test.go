package logs

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func get(t *testing.T, srv *httptest.Server, query string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + Path + "?" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestHandler(t *testing.T) {
	e := newEnv(t, nil)
	e.run(taskARN, "app", "a1\na2", nil)
	waitFor(t, e.c, "app", func() bool { return len(e.texts("default", taskID, "app")) == 2 })
	e.clk.Advance(time.Second)
	e.run(taskARN, "db", "b1", nil)
	waitFor(t, e.c, "db", func() bool { return len(e.texts("default", taskID, "db")) == 1 })
	srv := httptest.NewServer(Handler(e.c))
	defer srv.Close()

	for _, c := range []struct {
		query string
		code  int
		want  string
	}{
		{"task=" + taskID, 200, "app | a1\napp | a2\ndb  | b1\n"},
		{"task=" + url.QueryEscape(taskARN) + "&tail=1", 200, "app | a2\ndb  | b1\n"},
		{"task=" + taskID + "&container=app", 200, "a1\na2\n"},
		{"task=" + taskID + "&tail=0", 200, ""},
		{"task=" + taskID + "&container=app&tail=1&timestamps=1", 200, "2025-01-02T03:04:05Z a2\n"},
		{"task=" + taskID + "&since=2025-01-02T03:04:06Z", 200, "db  | b1\n"},
		{"task=" + taskID + "&since=500ms", 200, "db  | b1\n"},
		{"task=ffffffffffffffffffffffffffffffff", 404, "no logs for task"},
		{"task=" + taskID + "&container=web", 404, `no logs for container "web"`},
		{"", 400, "task parameter"},
		{"task=" + taskID + "&tail=x", 400, "tail must be"},
		{"task=" + taskID + "&since=yesterday", 400, "since must be"},
	} {
		code, body := get(t, srv, c.query)
		if code != c.code || (code == 200 && body != c.want) || (code != 200 && !strings.Contains(body, c.want)) {
			t.Errorf("GET ?%s = %d %q, want %d %q", c.query, code, body, c.code, c.want)
		}
	}
}

func TestHandlerFollow(t *testing.T) {
	e := newEnv(t, nil)
	e.run(taskARN, "app", "a1", map[string]string{sim.LabelExitAfter: "2s"})
	waitFor(t, e.c, "app", func() bool { return len(e.texts("default", taskID, "app")) == 1 })
	db := e.create(taskARN, "db", "b1\nb2", map[string]string{sim.LabelExitAfter: "3s"})
	waitFor(t, e.c, "db created", func() bool { return !e.idle("db") })
	srv := httptest.NewServer(Handler(e.c))
	defer srv.Close()

	resp, err := http.Get(srv.URL + Path + "?follow=1&task=" + taskID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	br := bufio.NewReader(resp.Body)
	readLine := func() string {
		t.Helper()
		l, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the followed body: %v", err)
		}
		return l
	}
	if l := readLine(); l != "app | a1\n" {
		t.Fatalf("first line %q", l)
	}
	e.start(db) // lines printed while following arrive, flushed
	if l := readLine(); l != "db  | b1\n" {
		t.Fatalf("second line %q", l)
	}
	if l := readLine(); l != "db  | b2\n" {
		t.Fatalf("third line %q", l)
	}
	e.clk.Advance(3 * time.Second) // both exit: the response ends
	done := make(chan error, 1)
	go func() {
		rest, err := io.ReadAll(br)
		if err == nil && len(rest) > 0 {
			err = io.ErrUnexpectedEOF
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("end of the followed body: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("following did not end when the containers exited")
	}
}

func TestAWSLogsStream(t *testing.T) {
	lc := &ecs.LogConfiguration{LogDriver: "awslogs", Options: map[string]string{"awslogs-group": "/ecs/web", "awslogs-stream-prefix": "ecs"}}
	if got := AWSLogsStream(lc, "web", taskID); got != "ecs/web/"+taskID {
		t.Errorf("awslogs: %q", got)
	}
	if got := AWSLogsStream(&ecs.LogConfiguration{LogDriver: "json-file"}, "web", taskID); got != "" {
		t.Errorf("json-file: %q", got)
	}
	if got := AWSLogsStream(nil, "web", taskID); got != "" {
		t.Errorf("none: %q", got)
	}
}
