package ecsminiapi

import (
	"context"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/alarms"
)

// AlarmsPath lists the CloudWatch alarms (GET) and sets one's state by hand (POST
// AlarmSet), creating an alarm it does not find.
const AlarmsPath = "/_ecsmini/alarms"

// Alarms is every alarm.
type Alarms struct {
	Alarms []alarms.MetricAlarm `json:"alarms"`
}

// AlarmSet is `ecsmini alarm set NAME STATE [--reason]`.
type AlarmSet struct {
	Name   string `json:"name"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

func alarmsHandler(s *alarms.Service) http.Handler {
	return jsonHandler(true, func(ctx context.Context, in *AlarmSet, req *http.Request) (Alarms, error) {
		if req.Method == http.MethodPost {
			if _, err := s.SetByHand(ctx, &alarms.SetAlarmStateInput{AlarmName: in.Name, StateValue: in.State, StateReason: in.Reason}); err != nil {
				return Alarms{}, err
			}
		}
		return Alarms{Alarms: s.List()}, nil
	})
}

// Alarms lists the CloudWatch alarms.
func (c *Client) Alarms(ctx context.Context) (Alarms, error) {
	var out Alarms
	err := c.do(ctx, AlarmsPath, http.MethodGet, AlarmsPath, nil, &out)
	return out, err
}

// SetAlarm sets an alarm's state by hand.
func (c *Client) SetAlarm(ctx context.Context, in AlarmSet) (Alarms, error) {
	var out Alarms
	err := c.do(ctx, AlarmsPath, http.MethodPost, AlarmsPath, in, &out)
	return out, err
}
