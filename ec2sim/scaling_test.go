package ec2sim

import (
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func m5large() InstanceType { t, _ := LookupInstanceType("m5.large"); return t }

// asgInstance is an m5.large launched at launched with tasks non-daemon tasks of 1024 CPU
// and 2048 MiB each.
func asgInstance(id string, launched time.Time, tasks int) ScalingInstance {
	c := NewCandidate("arn:ci/"+id, id, m5large(), map[string]string{"ecs.availability-zone": "a"})
	for range tasks {
		c.Reserve(Need{CPU: 1024, Memory: 2048, Group: "service:web"})
	}
	return ScalingInstance{ID: id, LaunchedAt: launched, Candidate: c, NonDaemonTasks: tasks}
}

func tasks(n int) []Need {
	out := make([]Need, n)
	for i := range out {
		out[i] = Need{CPU: 1024, Memory: 2048, Group: "service:web"}
	}
	return out
}

func TestDecide(t *testing.T) {
	params := ScalingParams{TargetCapacity: 100, Warmup: 5 * time.Minute, MinSize: 0, MaxSize: 10, Type: m5large()}
	old := t0.Add(-time.Hour)
	with := func(f func(*ScalingInput)) ScalingInput {
		in := ScalingInput{Now: t0, Params: params}
		f(&in)
		return in
	}
	insts := func(busy ...int) []ScalingInstance {
		var out []ScalingInstance
		for i, n := range busy {
			out = append(out, asgInstance(string(rune('a'+i)), old, n))
		}
		return out
	}
	tests := []struct {
		name    string
		in      ScalingInput
		cpr     float64
		needed  int
		desired int
		reason  string
	}{
		{"nothing at all", with(func(in *ScalingInput) {}), 100, 0, 0, "steady"},
		{"from zero goes to 2 first", with(func(in *ScalingInput) { in.Provisioning = tasks(1) }), 200, 1, 2, "scaling out from 0 to 2"},
		{"from zero to 2 even when 10 are needed", with(func(in *ScalingInput) { in.Provisioning = tasks(20) }), 200, 10, 2, "scaling out from 0 to 2"},
		{"only incompatible tasks hold CPR at target", with(func(in *ScalingInput) {
			in.Provisioning = []Need{{CPU: 4096, Memory: 512}, {Memory: 9000}, {Ports: []string{"tcp/22"}}, {Ports: []string{"tcp/80", "tcp/80"}}}
		}), 100, 0, 0, "no PROVISIONING task fits on an empty m5.large"},
		{"incompatible tasks are ignored beside compatible ones", with(func(in *ScalingInput) {
			in.Provisioning = append(tasks(1), Need{Memory: 9000})
		}), 200, 1, 2, "scaling out"},
		{"remaining room on existing instances is used", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 2, insts(1, 0), tasks(1)
		}), 50, 1, 2, "below target"},
		{"existing empty instance takes the work", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 0), tasks(2)
		}), 100, 2, 2, "steady"},
		{"scale out by the computed count", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(5)
		}), 250, 5, 5, "scaling out from 2 to 5"},
		{"min step", with(func(in *ScalingInput) {
			in.Params.MinStep = 3
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(1)
		}), 150, 3, 5, "scaling out from 2 to 5"},
		{"max step", with(func(in *ScalingInput) {
			in.Params.MaxStep = 2
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(12)
		}), 400, 8, 4, "scaling out from 2 to 4"},
		{"max size", with(func(in *ScalingInput) {
			in.Params.MaxSize = 3
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(12)
		}), 400, 8, 3, "scaling out from 2 to 3"},
		{"at max size", with(func(in *ScalingInput) {
			in.Params.MaxSize = 2
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(12)
		}), 400, 8, 2, "cannot scale out beyond the group's maximum size 2"},
		{"warm-up blocks scale-out", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 2, insts(2, 2), tasks(2)
			in.Instances[1].LaunchedAt = t0.Add(-4 * time.Minute)
			in.Instances[1].ID = "i-new"
		}), 150, 3, 2, "scale-out waits for instance i-new to finish its 5m0s warm-up"},
		{"launching instances block scale-out", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 4, insts(2, 2), tasks(6)
		}), 250, 5, 4, "waiting for 2 launching instance(s)"},
		{"target 50 keeps an empty instance per busy one", with(func(in *ScalingInput) {
			in.Params.TargetCapacity = 50
			in.Desired, in.Instances = 2, insts(2, 2)
		}), 100, 2, 4, "scaling out from 2 to 4"},
		{"target 50 is steady at half use", with(func(in *ScalingInput) {
			in.Params.TargetCapacity = 50
			in.Desired, in.Instances = 4, insts(2, 2, 0, 0)
		}), 50, 2, 4, "steady"},
		{"low starts the scale-in clock", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 3, insts(2, 0, 0)
		}), 100.0 / 3, 1, 3, "below target for 0s, scale-in after 15m0s"},
		{"low for 14 minutes", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 3, insts(2, 0, 0)
			in.State.LowSince = t0.Add(-14 * time.Minute)
		}), 100.0 / 3, 1, 3, "below target for 14m0s"},
		{"low for 15 minutes scales in by one of three", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 3, insts(2, 0, 0)
			in.State.LowSince = t0.Add(-15 * time.Minute)
		}), 100.0 / 3, 1, 2, "scaling in from 3 to 2"},
		{"scale-in removes less than half", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 10, insts(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
			in.State.LowSince = t0.Add(-time.Hour)
		}), 0, 0, 6, "scaling in from 10 to 6"},
		{"scale-in of the last instance", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 1, insts(0)
			in.State.LowSince = t0.Add(-time.Hour)
		}), 0, 0, 0, "scaling in from 1 to 0"},
		{"scale-in waits after a scale-out", with(func(in *ScalingInput) {
			in.Desired, in.Instances = 3, insts(2, 0, 0)
			in.State = ScalingState{LowSince: t0.Add(-time.Hour), LastScaleOut: t0.Add(-10 * time.Minute)}
		}), 100.0 / 3, 1, 3, "scale-in waits 15m0s after the last scale-out"},
		{"min size", with(func(in *ScalingInput) {
			in.Params.MinSize = 3
			in.Desired, in.Instances = 3, insts(2, 0, 0)
			in.State.LowSince = t0.Add(-time.Hour)
		}), 100.0 / 3, 1, 3, "cannot scale in below the group's minimum size 3"},
		{"desired below min size is raised", with(func(in *ScalingInput) {
			in.Params.MinSize = 2
		}), 100, 0, 2, "steady"},
		{"draining instance counts its tasks but takes no new ones", with(func(in *ScalingInput) {
			in.Desired, in.Instances, in.Provisioning = 2, insts(1, 1), tasks(1)
			in.Instances[0].Candidate.Draining = true
		}), 100, 2, 2, "steady"},
	}
	for _, tt := range tests {
		d := Decide(tt.in)
		if d.Desired != tt.desired || d.Needed != tt.needed || !close(d.Reservation, tt.cpr) || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("%s: got desired %d needed %d CPR %.2f %q; want %d %d %.2f containing %q",
				tt.name, d.Desired, d.Needed, d.Reservation, d.Reason, tt.desired, tt.needed, tt.cpr, tt.reason)
		}
	}
}

func close(a, b float64) bool { return a-b < 0.01 && b-a < 0.01 }

func TestDecideState(t *testing.T) {
	p := ScalingParams{Warmup: 0, MaxSize: 10, Type: m5large()}
	d := Decide(ScalingInput{Now: t0, Params: p, Provisioning: tasks(1)})
	if !d.State.LastScaleOut.Equal(t0) || !d.State.LowSince.IsZero() {
		t.Errorf("scale-out state %+v", d.State)
	}
	low := Decide(ScalingInput{Now: t0, Params: p, Desired: 2, Instances: []ScalingInstance{asgInstance("a", t0, 0), asgInstance("b", t0, 0)}})
	if !low.State.LowSince.Equal(t0) {
		t.Errorf("low state %+v", low.State)
	}
	later := Decide(ScalingInput{Now: t0.Add(time.Minute), Params: p, Desired: 2, Instances: []ScalingInstance{asgInstance("a", t0, 1), asgInstance("b", t0, 0)}, State: low.State})
	if !later.State.LowSince.Equal(t0) {
		t.Errorf("low continues: state %+v", later.State)
	}
	steady := Decide(ScalingInput{Now: t0.Add(2 * time.Minute), Params: p, Desired: 1, Instances: []ScalingInstance{asgInstance("a", t0, 1)}, State: later.State})
	if !steady.State.LowSince.IsZero() {
		t.Errorf("steady must reset the low clock: %+v", steady.State)
	}
	// Defaults: a zero target means 100, zero steps mean 1 and 10000.
	d = Decide(ScalingInput{Now: t0, Params: ScalingParams{MaxSize: 100, Type: m5large()}, Desired: 1, Instances: []ScalingInstance{asgInstance("a", t0.Add(-time.Hour), 2)}, Provisioning: tasks(60)})
	if d.Desired != 31 || d.Reservation != 3100 {
		t.Errorf("defaults: desired %d CPR %v, want 31 and 3100", d.Desired, d.Reservation)
	}
}
