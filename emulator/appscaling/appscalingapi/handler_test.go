package appscalingapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
)

// Requests the SDKs would never send still get the API's error shape, never a 5xx.
func TestBadRequests(t *testing.T) {
	svc, err := appscaling.Open(appscaling.Config{Region: "us-east-1", Account: "000000000000"})
	if err != nil {
		t.Fatal(err)
	}
	h := New(svc, nil)
	tests := []struct {
		name, target, body string
		wantCode           string
	}{
		{"unknown operation", "AnyScaleFrontendService.GetPredictiveScalingForecast", `{}`, "UnknownOperationException"},
		{"not JSON", "AnyScaleFrontendService.DescribeScalableTargets", `{`, "SerializationException"},
		{"wrong type", "AnyScaleFrontendService.RegisterScalableTarget", `{"MinCapacity":"two"}`, "SerializationException"},
		{"missing namespace", "AnyScaleFrontendService.DescribeScalableTargets", ``, "ValidationException"},
		{"other namespace", "AnyScaleFrontendService.RegisterScalableTarget", `{"ServiceNamespace":"dynamodb","ResourceId":"table/t","ScalableDimension":"dynamodb:table:ReadCapacityUnits"}`, "ValidationException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tt.body))
			r.Header.Set("X-Amz-Target", tt.target)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			var e struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || w.Code != http.StatusBadRequest || e.Type != tt.wantCode || e.Message == "" {
				t.Fatalf("%d %s, want 400 %s", w.Code, w.Body, tt.wantCode)
			}
		})
	}
}
