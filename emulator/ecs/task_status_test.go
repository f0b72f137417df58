package ecs

import (
	"encoding/json"
	"testing"
)

// TestTaskStatusMatrix checks every (from, to) pair against the rule: forward only,
// DELETED only after STOPPED.
func TestTaskStatusMatrix(t *testing.T) {
	for from := StatusUnknown; from <= StatusDeleted; from++ {
		for to := StatusUnknown; to <= StatusDeleted+1; to++ {
			want := from != StatusUnknown && to > from && to <= StatusDeleted && (to != StatusDeleted || from == StatusStopped)
			if got := from.CanMove(to); got != want {
				t.Errorf("%v → %v: CanMove = %v, want %v", from, to, got, want)
			}
		}
	}
	for _, tc := range []struct {
		from, to TaskStatus
		want     bool
	}{
		{StatusProvisioning, StatusPending, true},
		{StatusPending, StatusStopped, true}, // failed to start
		{StatusRunning, StatusPending, false},
		{StatusStopped, StatusRunning, false},
		{StatusRunning, StatusDeleted, false},
		{StatusStopped, StatusDeleted, true},
	} {
		if got := tc.from.CanMove(tc.to); got != tc.want {
			t.Errorf("%v → %v = %v", tc.from, tc.to, got)
		}
	}
}

func TestTaskStatusWire(t *testing.T) {
	for s := StatusProvisioning; s <= StatusDeleted; s++ {
		b, err := json.Marshal(s)
		if err != nil || string(b) != `"`+s.String()+`"` {
			t.Fatalf("Marshal(%v) = %s, %v", s, b, err)
		}
		var back TaskStatus
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Fatalf("round trip %s = %v, %v", b, back, err)
		}
	}
	if _, err := json.Marshal(StatusUnknown); err == nil {
		t.Error("StatusUnknown must not encode")
	}
	var s TaskStatus
	if err := json.Unmarshal([]byte(`"RUNNIN"`), &s); err == nil {
		t.Error(`"RUNNIN" must not decode`)
	}
	if !StatusRunning.IsDesired() || !StatusStopped.IsDesired() || StatusActivating.IsDesired() {
		t.Error("IsDesired")
	}
	if StatusRunning < StatusPending || StatusStopped < StatusStopping {
		t.Error("statuses must be in lifecycle order")
	}
}

func TestTaskHealth(t *testing.T) {
	h := func(essential, check bool, status string) ContainerHealth {
		return ContainerHealth{Essential: essential, HasCheck: check, Status: status}
	}
	for _, tc := range []struct {
		name string
		in   []ContainerHealth
		want string
	}{
		{"spec: unhealthy+unknown", []ContainerHealth{h(true, true, HealthUnhealthy), h(true, true, HealthUnknown)}, HealthUnhealthy},
		{"spec: healthy+unknown", []ContainerHealth{h(true, true, HealthHealthy), h(true, true, HealthUnknown)}, HealthUnknown},
		{"spec: healthy+healthy", []ContainerHealth{h(true, true, HealthHealthy), h(true, true, HealthHealthy)}, HealthHealthy},
		{"non-essential unhealthy ignored", []ContainerHealth{h(true, true, HealthHealthy), h(false, true, HealthUnhealthy)}, HealthHealthy},
		{"no check ignored", []ContainerHealth{h(true, true, HealthHealthy), h(true, false, HealthUnhealthy)}, HealthHealthy},
		{"nothing counted", []ContainerHealth{h(true, false, ""), h(false, true, HealthHealthy)}, HealthUnknown},
		{"empty", nil, HealthUnknown},
		{"blank status is unknown", []ContainerHealth{h(true, true, "")}, HealthUnknown},
	} {
		if got := TaskHealth(tc.in); got != tc.want {
			t.Errorf("%s: TaskHealth = %s, want %s", tc.name, got, tc.want)
		}
	}
}
