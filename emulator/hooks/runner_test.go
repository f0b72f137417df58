package hooks

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

const arn = "arn:aws:lambda:us-east-1:000000000000:function:check"

// script writes an executable shell script and returns the command that runs it.
func script(t *testing.T, body string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the command hooks of this test are shell scripts")
	}
	p := filepath.Join(t.TempDir(), "hook.sh")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInvoke(t *testing.T) {
	var gotBody, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotType = string(b), r.Header.Get("Content-Type")
		switch r.URL.Path {
		case "/ok":
			io.WriteString(w, `{"hookStatus":"SUCCEEDED"}`)
		case "/wait":
			io.WriteString(w, `{"hookStatus":"IN_PROGRESS"}`)
		case "/no":
			io.WriteString(w, `{"hookStatus":"FAILED"}`)
		case "/empty":
		case "/odd":
			io.WriteString(w, `{"hookStatus":"MAYBE"}`)
		case "/hang":
			<-r.Context().Done()
		default:
			http.Error(w, "boom", http.StatusInternalServerError)
		}
	}))
	defer srv.Close()
	payload := `{"executionDetails":{"testTrafficWeights":{}}}`
	tests := []struct {
		name    string
		target  *Target // nil: unmapped
		want    string
		wantErr string // substring; "" for none
		stdin   bool   // the command echoes the payload back as proof
	}{
		{name: "unmapped succeeds", want: Succeeded},
		{name: "http succeeded", target: &Target{URL: srv.URL + "/ok"}, want: Succeeded},
		{name: "http in progress", target: &Target{URL: srv.URL + "/wait"}, want: InProgress},
		{name: "http failed answer", target: &Target{URL: srv.URL + "/no"}, want: Failed},
		{name: "http 2xx without answer", target: &Target{URL: srv.URL + "/empty"}, want: Succeeded},
		{name: "http 500", target: &Target{URL: srv.URL + "/err"}, want: Failed, wantErr: "HTTP 500"},
		{name: "http unknown status", target: &Target{URL: srv.URL + "/odd"}, want: Failed, wantErr: "unknown hookStatus"},
		{name: "http timeout", target: &Target{URL: srv.URL + "/hang"}, want: Failed, wantErr: "timed out"},
		{name: "http unreachable", target: &Target{URL: "http://127.0.0.1:1/"}, want: Failed, wantErr: "hook " + arn},
		{name: "command exit 0", target: &Target{Command: script(t, "cat >/dev/null")}, want: Succeeded},
		{name: "command exit 3", target: &Target{Command: script(t, "echo bad input >&2; exit 3")}, want: Failed, wantErr: "status 3: bad input"},
		{name: "command answers", target: &Target{Command: script(t, `echo '{"hookStatus":"IN_PROGRESS"}'`)}, want: InProgress},
		{name: "command answers failed", target: &Target{Command: script(t, `echo '{"hookStatus":"FAILED"}'`)}, want: Failed},
		{name: "command reads stdin", target: &Target{Command: script(t, `grep -q testTrafficWeights && [ "$ECSMINI_HOOK_TARGET_ARN" = "`+arn+`" ]`)}, want: Succeeded},
		{name: "command garbage", target: &Target{Command: script(t, "echo not json")}, want: Failed, wantErr: "not JSON"},
		{name: "command missing", target: &Target{Command: "/nonexistent/hook"}, want: Failed, wantErr: "/nonexistent/hook"},
		{name: "command timeout", target: &Target{Command: script(t, "exec sleep 30")}, want: Failed, wantErr: "timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(Config{Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if tt.target != nil {
				tt.target.ARN = arn
				if err := r.Set(*tt.target); err != nil {
					t.Fatal(err)
				}
			}
			got, err := r.Invoke(context.Background(), arn, []byte(payload))
			if got != tt.want {
				t.Errorf("status = %q, want %q (err %v)", got, tt.want, err)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
	if gotType != "application/json" || gotBody != payload {
		t.Errorf("the endpoint got %q as %q, want the payload as application/json", gotBody, gotType)
	}
}

func TestParseMapping(t *testing.T) {
	tests := []struct {
		in      string
		want    Target
		wantErr bool
	}{
		{in: arn + "=http://127.0.0.1:9000/hook", want: Target{ARN: arn, URL: "http://127.0.0.1:9000/hook"}},
		{in: arn + "=cmd:./check.sh --stage blue", want: Target{ARN: arn, Command: "./check.sh --stage blue"}},
		{in: arn, wantErr: true},
		{in: "check=http://x/", wantErr: true},
		{in: arn + "=ftp://x/", wantErr: true},
		{in: arn + "=cmd:", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseMapping(tt.in)
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("ParseMapping(%q) = %+v, %v; want %+v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestMappingsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	r, err := Open(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	other := "arn:aws:lambda:us-east-1:000000000000:function:other"
	for _, m := range []string{arn + "=http://127.0.0.1:9/", other + "=cmd:true"} {
		tg, err := ParseMapping(m)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Set(tg); err != nil {
			t.Fatal(err)
		}
	}
	if found, err := r.Remove(arn); !found || err != nil {
		t.Fatalf("Remove = %v, %v", found, err)
	}
	if found, _ := r.Remove(arn); found {
		t.Fatal("a second Remove found the mapping again")
	}
	r2, err := Open(Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if got := r2.List(); len(got) != 1 || got[0] != (Target{ARN: other, Command: "true"}) {
		t.Fatalf("after a restart List = %+v, want only %s", got, other)
	}
}
