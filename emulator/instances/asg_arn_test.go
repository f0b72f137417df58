package instances

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TestASGARN holds the group ARN's UUID to RFC 4122's version 5 in the URL namespace, so
// that Terraform's uuidv5("url", ...) (here: Python's uuid.uuid5) names the same group.
func TestASGARN(t *testing.T) {
	got := asgARN(ecs.Scope{Region: "us-east-1", Account: "000000000000"}, "web")
	want := "arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:ca4e2244-c37f-5e8e-b497-518045b1c735:autoScalingGroupName/web"
	if got != want {
		t.Errorf("asgARN = %s, want %s", got, want)
	}
}

// TestAttributes holds the attribute rules (names, values, reserved prefixes) and the
// merge of a new attribute into a list.
func TestAttributes(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    ecs.Attribute
		ok   bool
	}{
		{"name only", ecs.Attribute{Name: "stack"}, true},
		{"name and value", ecs.Attribute{Name: "stack", Value: ecs.Ptr("prod east")}, true},
		{"space at the end", ecs.Attribute{Name: "stack", Value: ecs.Ptr("prod ")}, false},
		{"bad name", ecs.Attribute{Name: "a b"}, false},
		{"empty value", ecs.Attribute{Name: "stack", Value: ecs.Ptr("")}, false},
	} {
		if err := validateAttribute(tt.a); (err == nil) != tt.ok {
			t.Errorf("%s: validateAttribute = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
	if !builtinAttribute("ecs.os-type") || !builtinAttribute("com.amazonaws.ecs.capability.x") || builtinAttribute("stack") {
		t.Error("builtinAttribute: ecs. and com.amazonaws.ecs. are the agent's")
	}
	attrs := putAttribute([]ecs.Attribute{{Name: "a", Value: ecs.Ptr("1")}}, ecs.Attribute{Name: "a", Value: ecs.Ptr("2")})
	attrs = putAttribute(attrs, ecs.Attribute{Name: "b"})
	if len(attrs) != 2 || ecs.Deref(attrs[0].Value) != "2" {
		t.Errorf("putAttribute = %v, want a=2 replaced in place, then b", attrs)
	}
	if n := customAttributes(append(attrs, ecs.Attribute{Name: "ecs.os-type"})); n != 2 {
		t.Errorf("customAttributes = %d, want 2", n)
	}
}
