package lb

import (
	"maps"
	"testing"
)

func TestWeightsSplitConnections(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	blue1, blue2, green := startBackend(t, "blue1"), startBackend(t, "blue2"), startBackend(t, "green")
	registerHealthy(t, fake, b, blue1, blue2, green)
	for _, id := range []string{"blue1", "blue2"} {
		b.SetGroup(id, "ecs-svc/1")
	}
	b.SetGroup("green", "ecs-svc/2")
	tests := []struct {
		name    string
		weights map[string]float64
		n       int
		want    map[string]int
	}{
		{"all blue", map[string]float64{"ecs-svc/1": 100, "ecs-svc/2": 0}, 10, map[string]int{"blue1": 5, "blue2": 5}},
		{"canary 10%", map[string]float64{"ecs-svc/1": 90, "ecs-svc/2": 10}, 20, map[string]int{"blue1": 9, "blue2": 9, "green": 2}},
		{"half", map[string]float64{"ecs-svc/1": 50, "ecs-svc/2": 50}, 20, map[string]int{"blue1": 5, "blue2": 5, "green": 10}},
		{"all green", map[string]float64{"ecs-svc/2": 100}, 10, map[string]int{"green": 10}},
		{"round robin again", nil, 9, map[string]int{"blue1": 3, "blue2": 3, "green": 3}},
	}
	for _, tt := range tests {
		b.SetWeights(tt.weights)
		if got := spread(t, b, tt.n); !maps.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWeightsFailOpenToAnUnweightedGroup(t *testing.T) {
	fake, b := newFakeLB(t, Config{})
	blue := startBackend(t, "blue")
	registerHealthy(t, fake, b, blue)
	b.SetGroup("blue", "ecs-svc/1")
	b.SetWeights(map[string]float64{"ecs-svc/2": 100}) // green has no target (yet)
	if got, want := spread(t, b, 3), map[string]int{"blue": 3}; !maps.Equal(got, want) {
		t.Errorf("%v, want %v: no connection is refused while any target serves", got, want)
	}
}
