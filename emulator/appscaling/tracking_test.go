package appscaling

import "testing"

func points(vs ...float64) []Datapoint {
	out := make([]Datapoint, len(vs))
	for i, v := range vs {
		out[i] = Datapoint{Value: v, OK: v >= 0} // a negative value stands for a missing minute
	}
	return out
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestTrackingDecision(t *testing.T) {
	tests := []struct {
		name      string
		points    []Datapoint
		current   int
		noScaleIn bool
		want      Decision
		wantCap   int
	}{
		{"two high datapoints are not enough", points(90, 90), 2, false, Hold, 2},
		{"three high datapoints scale out", points(10, 90, 90, 100), 2, false, Out, 4},
		{"a missing minute breaks the run", points(90, -1, 90, 90), 2, false, Hold, 2},
		{"at the target is not above it", points(50, 50, 50), 2, false, Hold, 2},
		{"fourteen low datapoints are not enough", points(repeat(10, 14)...), 4, false, Hold, 4},
		{"fifteen low datapoints scale in", points(repeat(10, 15)...), 4, false, In, 1},
		{"below the target but above 90% of it holds", points(repeat(46, 15)...), 4, false, Hold, 4},
		{"scale-in disabled", points(repeat(10, 15)...), 4, true, Hold, 4},
		{"from zero tasks one is asked for", points(90, 90, 90), 0, false, Out, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, c := TrackingDecision(tt.points, 50, tt.current, tt.noScaleIn)
			if d != tt.want || c != tt.wantCap {
				t.Fatalf("got %v %d, want %v %d", d, c, tt.want, tt.wantCap)
			}
		})
	}
}

func TestStepCapacity(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	steps := []StepAdjustment{
		{MetricIntervalUpperBound: f(0), ScalingAdjustment: -1},
		{MetricIntervalLowerBound: f(0), MetricIntervalUpperBound: f(20), ScalingAdjustment: 1},
		{MetricIntervalLowerBound: f(20), ScalingAdjustment: 3},
	}
	two := 2
	tests := []struct {
		name    string
		typ     string
		minMag  *int
		current int
		breach  float64
		want    int
	}{
		{"change, lower step", AdjustChange, nil, 4, -5, 3},
		{"change, lower bound inclusive", AdjustChange, nil, 4, 0, 5},
		{"change, upper bound exclusive", AdjustChange, nil, 4, 20, 7},
		{"exact", AdjustExact, nil, 4, 30, 3},
		{"percent truncates", AdjustPercent, nil, 50, 30, 51},
		{"percent below one rounds to one", AdjustPercent, nil, 10, 5, 11},
		{"percent with a minimum magnitude", AdjustPercent, &two, 10, 5, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &StepScalingPolicyConfiguration{AdjustmentType: tt.typ, StepAdjustments: steps, MinAdjustmentMagnitude: tt.minMag}
			if tt.typ == AdjustPercent {
				cfg.StepAdjustments = []StepAdjustment{{MetricIntervalLowerBound: f(0), MetricIntervalUpperBound: f(10), ScalingAdjustment: 5}, {MetricIntervalLowerBound: f(10), ScalingAdjustment: 3}}
			}
			got, ok := StepCapacity(cfg, tt.current, tt.breach)
			if !ok || got != tt.want {
				t.Fatalf("got %d %v, want %d", got, ok, tt.want)
			}
		})
	}
}
