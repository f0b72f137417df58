package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// FuzzECSAPI sends hostile bodies to every operation the API serves, on one emulator
// whose state the earlier inputs built up: whatever arrives, the answer is a 2xx or a
// 4xx in ECS's error shape ({"__type", "message"}), never a 5xx, a panic or a hang.
// `go test` runs the seeds; .ci/fuzz.sh explores beyond them for a bounded time.
func FuzzECSAPI(f *testing.F) {
	emu, err := emulator.New(emulator.Config{Clock: clock.NewFake(testStart)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = emu.Close() })
	h := httpapi.New(emu, nil)
	ops := h.Operations()
	slices.Sort(ops)
	seeds := []struct {
		op   string
		body string
	}{
		{"CreateCluster", `{"clusterName":"c1","tags":[{"key":"k","value":"v"}]}`},
		{"RegisterTaskDefinition", `{"family":"web","containerDefinitions":[{"name":"app","image":"nginx","memory":64,"portMappings":[{"containerPort":80,"appProtocol":"http","name":"web"}]}]}`},
		{"RunTask", `{"cluster":"c1","taskDefinition":"web","count":3}`},
		{"CreateService", `{"cluster":"c1","serviceName":"s","taskDefinition":"web","desiredCount":2,"deploymentConfiguration":{"minimumHealthyPercent":-5,"maximumPercent":100000}}`},
		{"UpdateService", `{"cluster":"c1","service":"s","desiredCount":-1}`},
		{"DescribeTasks", `{"cluster":"c1","tasks":["arn:aws:ecs:us-east-1::task/c1/x",""]}`},
		{"ListTasks", `{"nextToken":"\u0000\uffff","maxResults":0}`},
		{"TagResource", `{"resourceArn":"arn:aws:ecs:us-east-1:000000000000:cluster/c1","tags":null}`},
		{"PutAttributes", `{"attributes":[{"name":"","targetType":"container-instance"}]}`},
		{"ListContainerInstances", `{"cluster":"c1","filter":"attribute:ecs.instance-type =~ t2.* and (("}`},
		{"DeleteCluster", `{"cluster":"c1"}`},
		{"CreateCluster", `[]`},
		{"RunTask", `{"taskDefinition":{"nested":[1,2,3]},"overrides":{"containerOverrides":[{"command":[null]}]}}`},
		{"RegisterTaskDefinition", strings.Repeat(`{"a":`, 200) + `1` + strings.Repeat(`}`, 200)},
	}
	for _, s := range seeds {
		f.Add(s.op, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		// Known operations most of the time, so the fuzzer reaches their validation.
		if i := slices.Index(ops, op); i < 0 && len(op) > 0 {
			op = ops[int(op[0])%len(ops)]
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", httpapi.TargetPrefix+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { defer close(done); h.ServeHTTP(rec, req) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s did not answer within 10 s", op)
		}
		if rec.Code >= 500 {
			t.Fatalf("%s %q: HTTP %d %s", op, body, rec.Code, rec.Body.String())
		}
		if rec.Code >= 300 {
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Type == "" {
				t.Fatalf("%s %q: HTTP %d answer not in ECS's error shape: %s", op, body, rec.Code, rec.Body.String())
			}
		}
	})
}
