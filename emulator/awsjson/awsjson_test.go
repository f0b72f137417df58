package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

type echoIn struct {
	Name string `json:"name"`
}
type echoOut struct {
	Name   string `json:"name"`
	Region string `json:"region"`
}

func testProtocol() *Protocol {
	return &Protocol{Service: "Test", TargetPrefix: "Test_1.", ContentType: "application/x-amz-json-1.1",
		MaxBody: 64, BodyCode: "ValidationException", InternalCode: "InternalServiceException"}
}

func testOps() map[string]Operation {
	return map[string]Operation{
		"Echo": Op(func(ctx context.Context, in *echoIn) (*echoOut, error) {
			return &echoOut{Name: in.Name, Region: ecs.RegionFrom(ctx)}, nil
		}),
		"Refuse": Op(func(context.Context, *echoIn) (*echoOut, error) {
			return nil, &ecs.Error{Code: "ResourceNotFoundException", Message: "No such thing."}
		}),
		"Break": Op(func(context.Context, *echoIn) (*echoOut, error) { return nil, errors.New("disk on fire") }),
	}
}

// Every request gets the protocol's shape: the output, the operation's exception, or
// the service's own exceptions for what the framing refuses.
func TestServe(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		auth                       string
		status                     int
		want                       string // a substring of the body
	}{
		{"output", http.MethodPost, "Test_1.Echo", `{"name":"a"}`, "", 200, `"name":"a"`},
		{"empty body is the zero input", http.MethodPost, "Test_1.Echo", ``, "", 200, `"name":""`},
		{"region from the credential scope", http.MethodPost, "Test_1.Echo", `{}`,
			"AWS4-HMAC-SHA256 Credential=k/20260101/eu-west-3/test/aws4_request, SignedHeaders=host, Signature=0", 200, `"region":"eu-west-3"`},
		{"the operation's exception", http.MethodPost, "Test_1.Refuse", `{}`, "", 400, `"__type":"ResourceNotFoundException"`},
		{"an internal fault", http.MethodPost, "Test_1.Break", `{}`, "", 500, `"__type":"InternalServiceException"`},
		{"unknown operation", http.MethodPost, "Test_1.Nope", `{}`, "", 400, `"__type":"` + ecs.CodeUnknownOperation + `"`},
		{"another service's target", http.MethodPost, "Other.Echo", `{}`, "", 400, `"__type":"` + ecs.CodeUnknownOperation + `"`},
		{"not a POST", http.MethodGet, "Test_1.Echo", ``, "", 400, `"__type":"` + ecs.CodeUnknownOperation + `"`},
		{"bad JSON", http.MethodPost, "Test_1.Echo", `{`, "", 400, `"__type":"` + ecs.CodeSerialization + `"`},
		{"body too large", http.MethodPost, "Test_1.Echo", `{"name":"` + strings.Repeat("x", 100) + `"}`, "", 413, `"__type":"ValidationException"`},
	}
	p, ops := testProtocol(), testOps()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", tt.target)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			w := httptest.NewRecorder()
			p.Serve(w, r, ops)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.want) {
				t.Fatalf("%d %s, want %d with %s", w.Code, w.Body, tt.status, tt.want)
			}
			if ct := w.Header().Get("Content-Type"); ct != p.ContentType {
				t.Errorf("Content-Type %q", ct)
			}
			if w.Header().Get("x-amzn-RequestId") == "" {
				t.Error("no request id")
			}
			var v map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Errorf("the body is not JSON: %v", err)
			}
		})
	}
}

func TestCredentialRegion(t *testing.T) {
	tests := map[string]string{
		"AWS4-HMAC-SHA256 Credential=test/20260302/eu-west-3/application-autoscaling/aws4_request, SignedHeaders=host, Signature=00": "eu-west-3",
		"Bearer x":                          "",
		"AWS4-HMAC-SHA256 Credential=short": "",
		"":                                  "",
	}
	for auth, want := range tests {
		if got := CredentialRegion(auth); got != want {
			t.Errorf("CredentialRegion(%q) = %q, want %q", auth, got, want)
		}
	}
}
