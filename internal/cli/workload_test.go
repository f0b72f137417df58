package cli

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/ecsmini/ecsmini/internal/workload"
)

func TestWorkloadBadProxy(t *testing.T) {
	var out bytes.Buffer
	if code := Main([]string{"workload", "--proxy", "nonsense"}, &out, &out); code == 0 || !strings.Contains(out.String(), "LISTEN=TARGET") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
}

func TestWorkloadFlags(t *testing.T) {
	tests := []struct {
		args []string
		want workload.Config
	}{
		{nil, workload.Config{}},
		{[]string{"--exit-code", "3", "--exit-after", "5s"}, workload.Config{ExitCode: 3, ExitAfter: new(5 * time.Second)}},
		{[]string{"--exit-after", "0s"}, workload.Config{ExitAfter: new(time.Duration(0))}},
		{[]string{"--exit-code", "4"}, workload.Config{ExitCode: 4}},
		{[]string{"--ignore-sigterm", "--allocate-mb", "64"}, workload.Config{IgnoreSIGTERM: true, AllocateMiB: 64}},
		{[]string{"--log", "a, b", "--log", "c"}, workload.Config{Logs: []string{"a, b", "c"}}},
		{[]string{"--listen", ":8080", "--unhealthy"}, workload.Config{Listen: ":8080", Unhealthy: true}},
		{[]string{"--proxy", "127.0.0.1:51679=172.18.0.1:4000"}, workload.Config{Proxies: []workload.Proxy{{Listen: "127.0.0.1:51679", Target: "172.18.0.1:4000"}}}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var o workloadOptions
			fs := pflag.NewFlagSet("workload", pflag.ContinueOnError)
			o.bind(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := o.config(fs)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("config = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestWorkloadCommand(t *testing.T) {
	health := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.Error(w, "no", http.StatusServiceUnavailable)
		}
	}))
	defer health.Close()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{
			name:   "exit code after time, with log lines",
			args:   []string{"workload", "--exit-code", "3", "--exit-after", "10ms", "--log", "hello, world"},
			code:   3,
			stdout: []string{"workload: started", "hello, world", "workload: exiting with code 3 after 10ms"},
			stderr: "ecsmini: workload exited with code 3",
		},
		{
			name:   "exit 0",
			args:   []string{"workload", "--exit-after", "0s"},
			stdout: []string{"workload: exiting with code 0"},
		},
		{name: "exit code out of range", args: []string{"workload", "--exit-code", "300", "--exit-after", "0s"}, code: 1, stderr: "outside 0..255"},
		{name: "arguments refused", args: []string{"workload", "extra"}, code: 1, stderr: "unknown command"},
		{name: "bad flag", args: []string{"workload", "--exit-after", "soon"}, code: 1, stderr: "invalid argument"},
		{
			name:   "probe 2xx",
			args:   []string{"workload", "probe", health.URL + "/health"},
			stdout: []string{"workload: probe " + health.URL + "/health: ok"},
		},
		{name: "probe 503", args: []string{"workload", "probe", "--timeout", "1s", health.URL + "/other"}, code: 1, stderr: "503 Service Unavailable"},
		{name: "probe needs a URL", args: []string{"workload", "probe"}, code: 1, stderr: "accepts 1 arg"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := Main(tc.args, &stdout, &stderr); code != tc.code {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, &stdout, &stderr)
			}
			rest := stdout.String()
			for _, want := range tc.stdout {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("stdout lacks %q (in order):\n%s", want, &stdout)
				}
				rest = rest[i+len(want):]
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, &stderr)
			}
			if tc.stderr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr:\n%s", &stderr)
			}
		})
	}
}
