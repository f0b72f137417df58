package alarms

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// SetAlarmState sets an alarm's state by hand, as CloudWatch's SetAlarmState: the
// state holds until the next evaluation changes it, and a change runs the new state's
// actions.
func (s *Service) SetAlarmState(ctx context.Context, in *SetAlarmStateInput) (*Empty, error) {
	return s.setState(ctx, in, false)
}

// SetByHand is `ecsmini alarm set`: SetAlarmState that also creates an alarm it does
// not find, one with no metric that only ever changes by hand (the name a service's
// deployment alarms watch, say).
func (s *Service) SetByHand(ctx context.Context, in *SetAlarmStateInput) (*Empty, error) {
	return s.setState(ctx, in, true)
}

func (s *Service) setState(ctx context.Context, in *SetAlarmStateInput, create bool) (*Empty, error) {
	switch {
	case in.AlarmName == "":
		return nil, ecs.Errorf(CodeMissingParameter, "The parameter AlarmName is required.")
	case in.StateValue != StateOK && in.StateValue != StateAlarm && in.StateValue != StateInsufficient:
		return nil, invalid("1 validation error detected: Value '%s' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]", in.StateValue)
	case in.StateReason == "" && !create:
		return nil, ecs.Errorf(CodeMissingParameter, "The parameter StateReason is required.")
	case in.StateReasonData != "" && !json.Valid([]byte(in.StateReasonData)):
		return nil, ecs.Errorf(CodeInvalidFormat, "StateReasonData is not valid JSON.")
	}
	if in.StateReason == "" {
		in.StateReason = "Set by hand with ecsmini alarm set"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	region, now := s.region(ctx), s.cfg.Clock.Now()
	key := alarmKey(region, in.AlarmName)
	a := s.alarms[key]
	if a == nil {
		if !create {
			return nil, ecs.Errorf(CodeNotFound, "Alarm %s not found", in.AlarmName)
		}
		a = &alarm{Region: region, A: MetricAlarm{AlarmName: in.AlarmName, AlarmArn: s.arn(region, in.AlarmName),
			AlarmConfigurationUpdatedTimestamp: &now, ActionsEnabled: true, OKActions: []string{}, AlarmActions: []string{},
			InsufficientDataActions: []string{}, Dimensions: []Dimension{}, StateValue: StateInsufficient,
			StateUpdatedTimestamp: &now, StateTransitionedTimestamp: &now}}
		a.addHistory(now, "ConfigurationUpdate", fmt.Sprintf("Alarm %q created by ecsmini alarm set", in.AlarmName), "")
		s.alarms[key] = a
	}
	changed := s.transition(a, now, in.StateValue, in.StateReason, in.StateReasonData)
	if err := s.saveLocked(); err != nil {
		return nil, err
	}
	if changed {
		s.runActions(ctx, a, now)
	}
	s.kick()
	return &Empty{}, nil
}

// transition moves a to state with reason and records it; it reports whether the
// state changed. The caller holds s.mu.
func (s *Service) transition(a *alarm, now time.Time, state, reason, data string) bool {
	old := a.A.StateValue
	at := now
	a.A.StateReason, a.A.StateReasonData, a.A.StateUpdatedTimestamp = reason, data, &at
	if old == state {
		return false
	}
	a.A.StateValue, a.A.StateTransitionedTimestamp = state, &at
	hist, _ := json.Marshal(map[string]any{"version": "1.0", "oldState": map[string]string{"stateValue": old},
		"newState": map[string]string{"stateValue": state, "stateReason": reason}})
	a.addHistory(now, "StateUpdate", fmt.Sprintf("Alarm updated from %s to %s", old, state), string(hist))
	s.cfg.Log.Info("alarm state", "alarm", a.A.AlarmName, "from", old, "to", state, "reason", reason)
	return true
}

// runActions runs the actions of a's current state that ecsmini acts on: scaling
// policies. A failed action is recorded in the history, as CloudWatch records it.
func (s *Service) runActions(ctx context.Context, a *alarm, now time.Time) {
	if !a.A.ActionsEnabled || s.cfg.Actions == nil {
		return
	}
	var acts []string
	switch a.A.StateValue {
	case StateAlarm:
		acts = a.A.AlarmActions
	case StateOK:
		acts = a.A.OKActions
	case StateInsufficient:
		acts = a.A.InsufficientDataActions
	}
	metric, threshold := a.eval.lastValue, 0.0
	if a.A.Threshold != nil {
		threshold = *a.A.Threshold
		if !a.eval.hasValue {
			metric = threshold
		}
	}
	for _, act := range acts {
		if !isScalingPolicy(act) {
			continue
		}
		err := s.cfg.Actions.ExecuteScalingPolicy(ecs.WithRegion(ctx, a.Region), act, a.A.AlarmName, a.A.StateValue, metric, threshold)
		if err != nil {
			a.addHistory(now, "Action", "Failed to execute action "+act, fmt.Sprintf(`{"error":%q}`, err.Error()))
			s.cfg.Log.Warn("alarm action", "alarm", a.A.AlarmName, "action", act, "err", err)
		}
	}
}

// isScalingPolicy reports whether an action ARN is an Application Auto Scaling policy.
func isScalingPolicy(arn string) bool {
	return strings.HasPrefix(arn, "arn:aws:autoscaling:") && strings.Contains(arn, ":scalingPolicy:")
}

// AlarmState is an alarm's state ("OK", "ALARM", "INSUFFICIENT_DATA"), "" for an
// alarm that does not exist: the port the deployment strategies watch alarms through.
// The default region's alarm is preferred, then any region's.
func (s *Service) AlarmState(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.alarms[alarmKey(s.cfg.Region, name)]; a != nil {
		return a.A.StateValue
	}
	for _, a := range s.sortedLocked("") {
		if a.A.AlarmName == name {
			return a.A.StateValue
		}
	}
	return ""
}

// List is every alarm of every region, for `ecsmini alarm list`.
func (s *Service) List() []MetricAlarm {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []MetricAlarm{}
	for _, a := range s.sortedLocked("") {
		out = append(out, a.A)
	}
	return out
}
