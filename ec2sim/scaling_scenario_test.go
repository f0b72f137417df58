package ec2sim

import (
	"fmt"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// asgSim is a minute-by-minute model of an ASG capacity provider with managed scaling and
// managed termination protection: each minute the ASG converges on the desired capacity
// (launching instances that register at once, terminating only empty ones), the scheduler
// places PROVISIONING tasks with binpack on memory, then Decide runs.
type asgSim struct {
	now       time.Time
	params    ScalingParams
	desired   int
	insts     []ScalingInstance
	pending   []Need
	state     ScalingState
	launched  int
	decisions []ScalingDecision
}

func (s *asgSim) minute() ScalingDecision {
	for len(s.insts) < s.desired {
		s.launched++
		id := fmt.Sprintf("i-%d", s.launched)
		c := NewCandidate("arn:ci/"+id, id, s.params.Type, map[string]string{"ecs.availability-zone": "us-east-1a"})
		s.insts = append(s.insts, ScalingInstance{ID: id, LaunchedAt: s.now, Candidate: c})
	}
	for i := len(s.insts) - 1; i >= 0 && len(s.insts) > s.desired; i-- {
		if s.insts[i].NonDaemonTasks == 0 {
			s.insts = append(s.insts[:i], s.insts[i+1:]...)
		}
	}
	var left []Need
	for _, n := range s.pending {
		cands := make([]Candidate, len(s.insts))
		for i := range s.insts {
			cands[i] = s.insts[i].Candidate
		}
		i, _ := Place(cands, Request{Need: n, Strategies: []ecs.PlacementStrategy{{Type: "binpack", Field: "memory"}}}, nil)
		if i < 0 {
			left = append(left, n)
			continue
		}
		s.insts[i].Candidate.Reserve(n)
		s.insts[i].NonDaemonTasks++
	}
	s.pending = left
	d := Decide(ScalingInput{Now: s.now, Params: s.params, Desired: s.desired, Instances: s.insts, Provisioning: s.pending, State: s.state})
	s.desired, s.state = d.Desired, d.State
	s.decisions = append(s.decisions, d)
	s.now = s.now.Add(time.Minute)
	return d
}

func (s *asgSim) stopAll() {
	for i := range s.insts {
		c := s.insts[i].Candidate
		s.insts[i] = ScalingInstance{ID: s.insts[i].ID, LaunchedAt: s.insts[i].LaunchedAt,
			Candidate: NewCandidate(c.ARN, c.EC2InstanceID, s.params.Type, c.Attributes)}
	}
}

// run advances to minute end (exclusive), calling at(minute) first each minute, and checks
// the desired capacity at the minutes listed in want.
func (s *asgSim) run(t *testing.T, end int, at func(int), want map[int]int) {
	t.Helper()
	for m := 0; m < end; m++ {
		if at != nil {
			at(m)
		}
		d := s.minute()
		if w, ok := want[m]; ok && d.Desired != w {
			t.Errorf("minute %d: desired %d, want %d (%s)", m, d.Desired, w, d.Reason)
		}
	}
	if t.Failed() {
		for m, d := range s.decisions {
			t.Logf("minute %2d: desired %2d  %s", m, d.Desired, d.Reason)
		}
	}
}

func TestScalingFromZeroAndBack(t *testing.T) {
	s := &asgSim{now: t0, params: ScalingParams{TargetCapacity: 100, Warmup: 5 * time.Minute, MaxSize: 20, Type: m5large()}}
	s.run(t, 52, func(m int) {
		switch m {
		case 0:
			s.pending = tasks(10) // 2 per m5.large: 5 instances
		case 30:
			s.stopAll()
		}
	}, map[int]int{
		0: 2,       // from zero: 2 first
		1: 2, 5: 2, // the 2 new instances are warming up; 6 tasks wait
		6:  5, // warm-up over: 3 more
		7:  5, // all 10 tasks placed, CPR 100
		29: 5,
		30: 5, 44: 5, // all tasks stopped: CPR 0, 15 minutes of low datapoints first
		45: 3, // less than half of 5
		46: 2, 47: 1, 48: 0,
		51: 0,
	})
	if len(s.pending) != 0 || len(s.insts) != 0 {
		t.Errorf("at the end %d tasks wait and %d instances run", len(s.pending), len(s.insts))
	}
}

func TestScalingKeepsSpareAndStopsScaleInWhenWorkReturns(t *testing.T) {
	s := &asgSim{now: t0, params: ScalingParams{TargetCapacity: 80, Warmup: time.Minute, MinSize: 1, MaxSize: 20, Type: m5large()}}
	s.run(t, 40, func(m int) {
		switch m {
		case 0:
			s.pending = tasks(8) // 4 busy instances; target 80% wants 5
		case 10:
			s.stopAll()
			s.pending = tasks(2) // one busy instance: wants 2
		case 26:
			s.pending = tasks(6) // work returns while scaling in
		}
	}, map[int]int{
		0: 2, 1: 2, 2: 5, // 4 needed / 80% = 5
		3: 5, 9: 5,
		10: 5, 11: 5, // low, but within 15 min of the scale-out at minute 2 and of going low
		24: 5, 25: 3, // 15 low minutes: remove 2 of 5 (less than half)
		26: 5, // 2 of the 6 new tasks do not fit on the 3 left: 4 needed / 80% = 5
		27: 5,
		39: 5,
	})
}

func TestScalingIncompatibleTasksNeverScale(t *testing.T) {
	s := &asgSim{now: t0, params: ScalingParams{TargetCapacity: 100, MaxSize: 10, Type: m5large()}}
	s.pending = []Need{{CPU: 8192, Memory: 1024}}
	s.run(t, 20, nil, map[int]int{0: 0, 19: 0})
	if got := s.decisions[5].Reservation; got != 100 {
		t.Errorf("CPR with only incompatible tasks = %v, want the target 100", got)
	}
}
