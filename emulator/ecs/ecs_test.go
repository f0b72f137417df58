package ecs

import (
	"encoding/json"
	"regexp"
	"testing"
	"time"
)

func TestTimestampWire(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{time.Unix(1700000000, 0), "1700000000"},
		{time.Unix(1700000000, 123_000_000), "1700000000.123"},
		{time.Unix(1700000000, 123_999_999), "1700000000.123"}, // ECS carries milliseconds
	}
	for _, tt := range tests {
		b, err := json.Marshal(Timestamp{tt.in})
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tt.in, b, err, tt.want)
		}
		var back Timestamp
		if err := json.Unmarshal(b, &back); err != nil || back.UnixMilli() != tt.in.UnixMilli() {
			t.Errorf("round trip of %s = %v, %v", b, back.Time, err)
		}
	}
	var ts Timestamp
	if err := json.Unmarshal([]byte(`"yesterday"`), &ts); err == nil {
		t.Error("a string timestamp must not decode")
	}
}

func TestParseARN(t *testing.T) {
	tests := []struct {
		in             string
		ok             bool
		kind, path, rg string
	}{
		{"arn:aws:ecs:us-east-1:123456789012:cluster/prod", true, "cluster", "prod", "us-east-1"},
		{"arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3", true, "task-definition", "web:3", "eu-west-1"},
		{"arn:aws:ecs:us-east-1:123456789012:service/prod/api", true, "service", "prod/api", "us-east-1"},
		{"arn:aws:iam::123456789012:root", true, "root", "", ""},
		{"prod", false, "", "", ""},
		{"arn:aws:ecs:us-east-1", false, "", "", ""},
		{"arn::ecs:r:a:cluster/x", false, "", "", ""},
	}
	for _, tt := range tests {
		a, ok := ParseARN(tt.in)
		if ok != tt.ok {
			t.Errorf("ParseARN(%q) ok = %v", tt.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if a.Kind() != tt.kind || a.Path() != tt.path || a.Region != tt.rg || a.String() != tt.in {
			t.Errorf("ParseARN(%q) = %+v kind %q path %q", tt.in, a, a.Kind(), a.Path())
		}
	}
}

func TestScopeARNs(t *testing.T) {
	sc := Scope{Region: "us-west-2", Account: "111122223333"}
	for got, want := range map[string]string{
		sc.ClusterARN("c"):                "arn:aws:ecs:us-west-2:111122223333:cluster/c",
		sc.TaskDefinitionARN("web", 12):   "arn:aws:ecs:us-west-2:111122223333:task-definition/web:12",
		sc.CapacityProviderARN("FARGATE"): "arn:aws:ecs:us-west-2:111122223333:capacity-provider/FARGATE",
		sc.ServiceARN("c", "api"):         "arn:aws:ecs:us-west-2:111122223333:service/c/api",
		sc.TaskARN("c", "abc"):            "arn:aws:ecs:us-west-2:111122223333:task/c/abc",
		sc.ContainerInstanceARN("c", "i"): "arn:aws:ecs:us-west-2:111122223333:container-instance/c/i",
		sc.RootPrincipal():                "arn:aws:iam::111122223333:root",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

func TestIDs(t *testing.T) {
	hex32 := regexp.MustCompile(`^[0-9a-f]{32}$`)
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		id, u := NewID(), NewUUID()
		if !hex32.MatchString(id) || !uuid.MatchString(u) || seen[id] {
			t.Fatalf("bad or repeated id %q / uuid %q", id, u)
		}
		seen[id] = true
	}
}

func TestErrors(t *testing.T) {
	var err error = ClusterNotFound()
	e, ok := AsError(err)
	if !ok || e.Code != CodeClusterNotFound || e.Message != "Cluster not found." || err.Error() != "ClusterNotFoundException: Cluster not found." {
		t.Fatalf("ClusterNotFound = %+v", e)
	}
	if _, ok := AsError(json.Unmarshal([]byte("{"), new(any))); ok {
		t.Fatal("a plain error is not an ECS error")
	}
}
