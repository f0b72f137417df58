package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

func TestHandleTargetRoutesOtherServicesByPrefix(t *testing.T) {
	emu, err := emulator.New(emulator.Config{Clock: clock.NewFake(testStart)})
	if err != nil {
		t.Fatal(err)
	}
	defer emu.Close()
	h := httpapi.New(emu, nil)
	h.HandleTarget("Logs_20140328.", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "logs:"+r.Header.Get("X-Amz-Target"))
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	tests := []struct{ target, want string }{
		{"Logs_20140328.DescribeLogGroups", "logs:Logs_20140328.DescribeLogGroups"},
		{httpapi.TargetPrefix + "ListClusters", `"clusterArns"`},
		{"AnyScaleFrontendService.DescribeScalableTargets", "UnknownOperationException"},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", tt.target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), tt.want) {
			t.Errorf("%s: got %s, want %s", tt.target, b, tt.want)
		}
	}
}
