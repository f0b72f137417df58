package ecs

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Timestamp is a point in time on the wire: ECS JSON 1.1 sends epoch seconds as a JSON
// number with millisecond precision (e.g. 1700000000.123).
type Timestamp struct{ time.Time }

// At wraps t as a *Timestamp, the form optional timestamp fields take.
func At(t time.Time) *Timestamp { return &Timestamp{t} }

// MarshalJSON writes epoch seconds.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	ms := t.UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// UnmarshalJSON reads epoch seconds (integer or fractional).
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	sec, frac := math.Modf(f)
	t.Time = time.Unix(int64(sec), int64(math.Round(frac*1000))*int64(time.Millisecond))
	return nil
}
