package metadata

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// fakeProtection remembers protection per task; "not-a-service" tasks fail as
// TASK_NOT_VALID, as ECS answers for standalone tasks.
type fakeProtection struct {
	mu    sync.Mutex
	until map[string]time.Time
	now   time.Time
}

func (f *fakeProtection) TaskProtection(arn string) (ecs.ProtectedTask, *ecs.Failure, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if strings.HasSuffix(arn, "/bbbb2222") {
		return ecs.ProtectedTask{}, &ecs.Failure{Arn: arn, Reason: "TASK_NOT_VALID"}, nil
	}
	p := ecs.ProtectedTask{TaskArn: arn}
	if u, ok := f.until[arn]; ok {
		p.ProtectionEnabled, p.ExpirationDate = true, ecs.At(u)
	}
	return p, nil, nil
}

func (f *fakeProtection) SetTaskProtection(arn string, on bool, minutes *int) (ecs.ProtectedTask, *ecs.Failure, error) {
	if minutes != nil && *minutes > ecs.MaxProtectionMinutes {
		return ecs.ProtectedTask{}, nil, ecs.InvalidParameter("expiresInMinutes must be between 1 and 2880.")
	}
	f.mu.Lock()
	if on {
		m := ecs.DefaultProtectionMinutes
		if minutes != nil {
			m = *minutes
		}
		f.until[arn] = f.now.Add(time.Duration(m) * time.Minute)
	} else {
		delete(f.until, arn)
	}
	f.mu.Unlock()
	return f.TaskProtection(arn)
}

func TestTaskProtectionEndpoint(t *testing.T) {
	src := newFakeSource()
	a, b := fargateTask("aaaa1111", "alpha"), fargateTask("bbbb2222", "beta")
	src.addTask(a)
	src.addTask(b)
	src.register("tokA", a.TaskARN, "app")
	src.register("tokB", b.TaskARN, "app")
	p := &fakeProtection{until: map[string]time.Time{}, now: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	srv := httptest.NewServer(NewHandler(src, WithProtection(p)))
	t.Cleanup(srv.Close)
	cases := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"read unprotected", "GET", "/api/tokA/task-protection/v1/state", "", 200,
			`{"protection":{"ProtectionEnabled":false,"TaskArn":"` + a.TaskARN + `"}}`},
		{"protect for 60 minutes", "PUT", "/api/tokA/task-protection/v1/state", `{"ProtectionEnabled":true,"ExpiresInMinutes":60}`, 200,
			`{"protection":{"ExpirationDate":"2026-11-22T13:00:00Z","ProtectionEnabled":true,"TaskArn":"` + a.TaskARN + `"}}`},
		{"read protected", "GET", "/api/tokA/task-protection/v1/state/", "", 200,
			`{"protection":{"ExpirationDate":"2026-11-22T13:00:00Z","ProtectionEnabled":true,"TaskArn":"` + a.TaskARN + `"}}`},
		{"default 120 minutes", "PUT", "/api/tokA/task-protection/v1/state", `{"ProtectionEnabled":true}`, 200,
			`{"protection":{"ExpirationDate":"2026-11-22T14:00:00Z","ProtectionEnabled":true,"TaskArn":"` + a.TaskARN + `"}}`},
		{"unprotect", "PUT", "/api/tokA/task-protection/v1/state", `{"ProtectionEnabled":false}`, 200,
			`{"protection":{"ProtectionEnabled":false,"TaskArn":"` + a.TaskARN + `"}}`},
		{"standalone task", "PUT", "/api/tokB/task-protection/v1/state", `{"ProtectionEnabled":true}`, 200,
			`{"failure":{"Arn":"` + b.TaskARN + `","Detail":null,"Reason":"TASK_NOT_VALID"}}`},
		{"out of range", "PUT", "/api/tokA/task-protection/v1/state", `{"ProtectionEnabled":true,"ExpiresInMinutes":3000}`, 400,
			`{"error":{"Arn":"` + a.TaskARN + `","Code":"InvalidParameterException","Message":"expiresInMinutes must be between 1 and 2880."},"requestID":null}`},
		{"no ProtectionEnabled", "PUT", "/api/tokA/task-protection/v1/state", `{}`, 400,
			`{"error":{"Arn":"` + a.TaskARN + `","Code":"InvalidParameterException","Message":"Invalid request: ProtectionEnabled is required and the body must be JSON"},"requestID":null}`},
		{"unknown token", "GET", "/api/nobody/task-protection/v1/state", "", 404, ""},
		{"wrong method", "POST", "/api/tokA/task-protection/v1/state", "", 405, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b.String())
			}
			if tc.want != "" && strings.TrimSpace(b.String()) != tc.want {
				t.Errorf("body\n%s\nwant\n%s", strings.TrimSpace(b.String()), tc.want)
			}
		})
	}
}

func TestTaskProtectionEndpointNeedsAControlPlane(t *testing.T) {
	srv, _ := twoTasks(t)
	resp, _ := get(t, "GET", srv.URL+"/api/tokA-app/task-protection/v1/state", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d without WithProtection, want 404", resp.StatusCode)
	}
}
