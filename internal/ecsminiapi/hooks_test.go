package ecsminiapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/hooks"
)

// TestHooksEndpoint: the typed client sets, lists and removes mappings; a command
// mapping from anything but ecsmini's own client is refused, an endpoint one is not.
func TestHooksEndpoint(t *testing.T) {
	r, err := hooks.Open(hooks.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(hooksHandler(r))
	defer srv.Close()
	c, ctx := NewClient(srv.URL), context.Background()
	arn := "arn:aws:lambda:us-east-1:000000000000:function:gate"
	do := func(method, path string, t hooks.Target) error { return c.do(ctx, path, method, path, t, nil) }
	if err := do(http.MethodPost, "/", hooks.Target{ARN: arn, Command: "./gate.sh"}); err != nil {
		t.Fatal(err)
	}
	if err := do(http.MethodPost, "/", hooks.Target{ARN: arn, URL: "ftp://x"}); err == nil || !strings.Contains(err.Error(), "not an http") {
		t.Errorf("a bad URL: %v", err)
	}
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"arn":"` + arn + `2","command":"id"}`, http.StatusBadRequest},
		{`{"arn":"` + arn + `3","url":"http://127.0.0.1:9/"}`, http.StatusOK},
	} {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("POST %s without the client header: %d, want %d", tc.body, resp.StatusCode, tc.want)
		}
	}
	var list Hooks
	if err := c.do(ctx, "/", http.MethodGet, "/", nil, &list); err != nil || len(list.Hooks) != 2 || list.Hooks[0].Command != "./gate.sh" {
		t.Fatalf("list = %+v, %v", list, err)
	}
	var rm HookRemoved
	if err := c.do(ctx, "/", http.MethodDelete, "/?arn="+arn, nil, &rm); err != nil || !rm.Removed {
		t.Fatalf("remove = %+v, %v", rm, err)
	}
	if got := r.List(); len(got) != 1 || got[0].ARN != arn+"3" {
		t.Errorf("after remove: %+v", got)
	}
}
