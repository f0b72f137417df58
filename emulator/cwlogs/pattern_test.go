package cwlogs

import "testing"

func TestPatterns(t *testing.T) {
	tests := []struct {
		pattern, msg string
		want         bool
	}{
		{"", "anything", true},
		{"ERROR", "an ERROR here", true},
		{"ERROR", "an error here", false}, // case-sensitive
		{"ERROR Exception", "ERROR: NullPointerException", true},
		{"ERROR Exception", "ERROR: nothing", false},
		{`"Failed to process"`, "Failed to process the request", true},
		{`"Failed to process"`, "Failed to open; process", false},
		{"ERROR -Exiting", "ERROR: retrying", true},
		{"ERROR -Exiting", "ERROR: Exiting", false},
		{"?ERROR ?WARN", "WARN disk", true},
		{"?ERROR ?WARN", "INFO ok", false},
		{`-"health check"`, "GET /healthz", true},
		{`-"health check"`, "health check ok", false},
		{"%ERR[0-9]+%", "code ERR42", true},
		{"%ERR[0-9]+%", "code ERR", false},
		{`{ $.level = "error" }`, `{"level":"error","msg":"x"}`, true},
		{`{ $.level = "error" }`, `{"level":"info"}`, false},
		{`{ $.level = "error" }`, `level=error`, false},
		{`{ $.level = "err*" }`, `{"level":"error"}`, true},
		{`{ $.level != "info" }`, `{"level":"error"}`, true},
		{`{ $.level != "info" }`, `{"other":1}`, false},
		{`{ $.latency > 100 }`, `{"latency":150}`, true},
		{`{ $.latency > 100 }`, `{"latency":50}`, false},
		{`{ $.latency >= 50 && $.latency <= 60 }`, `{"latency":50}`, true},
		{`{ $.code = 200 }`, `{"code":200}`, true},
		{`{ $.code = 200 }`, `{"code":"200"}`, false},
		{`{ ($.a = "x" || $.b = "y") && $.c IS TRUE }`, `{"b":"y","c":true}`, true},
		{`{ ($.a = "x" || $.b = "y") && $.c IS TRUE }`, `{"b":"y","c":false}`, false},
		{`{ $.user.id = 7 }`, `{"user":{"id":7}}`, true},
		{`{ $.items[1].name = "b" }`, `{"items":[{"name":"a"},{"name":"b"}]}`, true},
		{`{ $.gone NOT EXISTS }`, `{"here":1}`, true},
		{`{ $.here NOT EXISTS }`, `{"here":1}`, false},
		{`{ $.n IS NULL }`, `{"n":null}`, true},
		{`{ $.msg = %time.?out% }`, `{"msg":"timeout"}`, true},
		{`[ip, user, username, timestamp, request, status_code, bytes]`, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534`, true},
		{`[ip, user, username, timestamp, request, status_code, bytes]`, `127.0.0.1 - frank`, false},
		{`[ip, ..., status_code = 4*, bytes]`, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /x HTTP/1.0" 404 10`, true},
		{`[ip, ..., status_code = 4*, bytes]`, `127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /x HTTP/1.0" 200 10`, false},
		{`[..., bytes > 1000]`, `a b 1534`, true},
		{`[..., bytes > 1000]`, `a b 15`, false},
		{`[ip, ..., request = "*.gif*", status_code = 2* || status_code = 3*, bytes]`, `1.2.3.4 - - [t] "GET /a.gif HTTP/1.0" 304 0`, true},
		{`[ip, ..., request = "*.gif*", status_code != 200 && status_code != 304, bytes]`, `1.2.3.4 - - [t] "GET /a.gif HTTP/1.0" 304 0`, false},
	}
	for _, tt := range tests {
		p, err := compilePattern(tt.pattern)
		if err != nil {
			t.Errorf("%s: %v", tt.pattern, err)
			continue
		}
		if got := p.match(tt.msg); got != tt.want {
			t.Errorf("%s on %s: got %v, want %v", tt.pattern, tt.msg, got, tt.want)
		}
	}
}

func TestInvalidPatterns(t *testing.T) {
	for _, p := range []string{`"unterminated`, `{ $.a = }`, `{ $.a = "x"`, `{ level = "x" }`, `{ $.a IS MAYBE }`, `[ip, user`, `[ip, , user]`, `[a = ]`, `[a > "x"]`, `%(%`, `{ $.a > "x" }`} {
		if _, err := compilePattern(p); err == nil {
			t.Errorf("%s: no error", p)
		}
	}
}
