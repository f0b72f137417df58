package metadata

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func newServer(t *testing.T, src Source) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(NewHandler(src))
	t.Cleanup(srv.Close)
	return srv
}

func TestCredentials(t *testing.T) {
	src := newFakeSource()
	base := Credentials{
		AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session",
		Expiration: time.Date(2024, 5, 1, 18, 0, 0, 0, time.FixedZone("x", 3600)),
		RoleARN:    "arn:aws:iam::123456789012:role/app",
	}
	src.creds["11111111-2222-4333-8444-555555555555"] = base
	withAuth := base
	withAuth.Authorization = "Bearer s3cret"
	src.creds["needs-auth"] = withAuth
	srv := newServer(t, src)

	tests := []struct {
		name, path, auth string
		status           int
		code             string
	}{
		{"relative URI", "/v2/credentials/11111111-2222-4333-8444-555555555555", "", 200, ""},
		{"unknown id", "/v2/credentials/nope", "", 400, "InvalidIdInRequest"},
		{"no id", "/v2/credentials/", "", 400, "NoIdInRequest"},
		{"no id, no slash", "/v2/credentials", "", 400, "NoIdInRequest"},
		{"nested path", "/v2/credentials/a/b", "", 404, "NotFound"},
		{"auth missing", "/v2/credentials/needs-auth", "", 401, "AccessDenied"},
		{"auth wrong", "/v2/credentials/needs-auth", "Bearer nope", 401, "AccessDenied"},
		{"auth right", "/v2/credentials/needs-auth", "Bearer s3cret", 200, ""},
		{"metadata token is not a credentials id", "/v2/credentials/tokA-app", "", 400, "InvalidIdInRequest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.auth != "" {
				h.Set("Authorization", tt.auth)
			}
			resp, body := get(t, http.MethodGet, srv.URL+tt.path, h)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			if tt.status != 200 {
				var e errorResponse
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tt.code {
					t.Errorf("body %s, want code %s", body, tt.code)
				}
				return
			}
			var got map[string]string
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{
				"AccessKeyId": "AKIAEXAMPLE", "SecretAccessKey": "secret", "Token": "session",
				"Expiration": "2024-05-01T17:00:00Z", "RoleArn": "arn:aws:iam::123456789012:role/app",
			}
			if len(got) != len(want) {
				t.Errorf("keys %v, want %v", keys(got), keys(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}
