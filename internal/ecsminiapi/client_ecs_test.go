package ecsminiapi

import (
	"fmt"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestDecodeECSError(t *testing.T) {
	tests := []struct {
		body string
		want string
	}{
		{`{"__type":"ClusterNotFoundException","message":"Cluster not found."}`, "ClusterNotFoundException: Cluster not found."},
		{`{"__type":"com.amazonaws.ecs#InvalidParameterException","Message":"bad"}`, "InvalidParameterException: bad"},
		{`<html>oops</html>`, "ListTasks: HTTP 502: <html>oops</html>"},
	}
	for _, tt := range tests {
		if err := decodeECSError("ListTasks", 502, []byte(tt.body)); err.Error() != tt.want {
			t.Errorf("decodeECSError(%s) = %q, want %q", tt.body, err, tt.want)
		}
	}
	if !IsCode(fmt.Errorf("wrapped: %w", decodeECSError("X", 400, []byte(`{"__type":"ClusterNotFoundException"}`))), ecs.CodeClusterNotFound) {
		t.Error("isCode does not see through wrapping")
	}
}
