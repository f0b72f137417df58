package daemons

import (
	"encoding/json"
	"testing"
)

// TestDeploymentConfig: drainPercent and bakeTimeInMinutes as a deployment reads them,
// with the defaults for what is missing or out of range.
func TestDeploymentConfig(t *testing.T) {
	for _, tc := range []struct {
		raw   string
		drain float64
		bake  int
	}{
		{``, DefaultDrainPercent, 0},
		{`{}`, DefaultDrainPercent, 0},
		{`{"drainPercent":50,"bakeTimeInMinutes":3}`, 50, 3},
		{`{"drainPercent":0}`, DefaultDrainPercent, 0},
		{`{"drainPercent":250}`, 100, 0},
		{`not json`, DefaultDrainPercent, 0},
	} {
		dc := deploymentConfig(json.RawMessage(tc.raw))
		if got := dc.drainPercent(); got != tc.drain || dc.BakeTimeInMinutes != tc.bake {
			t.Errorf("%q: drain %v bake %d, want %v %d", tc.raw, got, dc.BakeTimeInMinutes, tc.drain, tc.bake)
		}
	}
}
