package alarms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// sampleEvery is how often the ECS metrics are published (CloudWatch's one minute).
const sampleEvery = time.Minute

// reconcileTimeout bounds a pass's calls into the metrics and the actions.
const reconcileTimeout = 10 * time.Second

// datapoint is one period of the metric; ok is false for a period without data.
type datapoint struct {
	at    time.Time
	value float64
	ok    bool
}

// evaluation is an alarm's running evaluation: the samples of the current period and
// the datapoints of the last EvaluationPeriods.
type evaluation struct {
	started    bool
	nextSample time.Time
	periodEnd  time.Time
	samples    []float64
	points     []datapoint // oldest first
	lastValue  float64
	hasValue   bool
}

// watched is the ECS service an alarm's metric is about, if ecsmini can evaluate it.
func (a *alarm) watched() (cluster, service string, ok bool) {
	m := a.A
	if m.Namespace != NamespaceECS || (m.MetricName != MetricCPU && m.MetricName != MetricMemory) ||
		m.Period == nil || m.Threshold == nil || m.Statistic == "" {
		return "", "", false
	}
	for _, d := range m.Dimensions {
		switch d.Name {
		case "ClusterName":
			cluster = d.Value
		case "ServiceName":
			service = d.Value
		default:
			return "", "", false
		}
	}
	return cluster, service, cluster != "" && service != ""
}

// step is the sampling interval of an alarm: a minute, or its period if shorter.
func (a *alarm) step() time.Duration {
	return min(time.Duration(*a.A.Period)*time.Second, sampleEvery)
}

// Reconcile is run by every control loop pass at the emulator clock's now: it takes
// the samples that fell due, closes the periods that ended and evaluates their alarms.
// It returns when it next falls due.
func (s *Service) Reconcile(now time.Time) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), reconcileTimeout)
	defer cancel()
	var next time.Time
	changed := false
	for _, a := range s.sortedLocked("") {
		cluster, service, ok := a.watched()
		if !ok || s.cfg.Metrics == nil {
			continue
		}
		ch, err := s.advance(ecs.WithRegion(ctx, a.Region), a, cluster, service, now)
		changed = changed || ch
		if err != nil {
			s.cfg.Log.Warn("alarm evaluation", "alarm", a.A.AlarmName, "err", err)
		}
		if n := a.eval.nextSample; next.IsZero() || n.Before(next) {
			next = n
		}
	}
	if changed {
		if err := s.saveLocked(); err != nil {
			s.cfg.Log.Warn("saving alarms", "err", err)
		}
	}
	return next, nil
}

// advance samples the metric for the steps that fell due and evaluates each period
// that ended; changed says the alarm's state changed. Steps skipped by a clock jump
// repeat the one sample, bounded by what the evaluation can use.
func (s *Service) advance(ctx context.Context, a *alarm, cluster, service string, now time.Time) (changed bool, err error) {
	ev, step := &a.eval, a.step()
	period := time.Duration(*a.A.Period) * time.Second
	if !ev.started {
		// The first sample is a baseline: CPU rates are differences of the runtime's
		// counters, so it has no value of its own.
		if _, _, err := s.sample(ctx, a.A.MetricName, a.Region, cluster, service); err != nil {
			return false, err
		}
		*ev = evaluation{started: true, nextSample: now.Add(step), periodEnd: now.Add(period)}
		return false, nil
	}
	if now.Before(ev.nextSample) {
		return false, nil
	}
	value, has, err := s.sample(ctx, a.A.MetricName, a.Region, cluster, service)
	if err != nil {
		ev.nextSample = now.Add(step)
		return false, err
	}
	steps := int(now.Sub(ev.nextSample)/step) + 1
	keep := int(period/step) * (a.A.EvaluationPeriods + 1)
	skip := max(steps-keep, 0)
	for i := range steps {
		at := ev.nextSample.Add(time.Duration(i) * step)
		if i < skip {
			// Too old to matter: only keep the periods aligned.
			for !at.Before(ev.periodEnd) {
				ev.periodEnd = ev.periodEnd.Add(period)
				ev.samples = nil
			}
			continue
		}
		if has {
			ev.samples = append(ev.samples, value)
		}
		if at.Before(ev.periodEnd) {
			continue
		}
		ev.closePeriod(ev.periodEnd, a.A.Statistic, a.A.EvaluationPeriods)
		ev.periodEnd = ev.periodEnd.Add(period)
		state, reason, data := a.evaluate(ev.periodEnd.Add(-period))
		if state == "" {
			continue
		}
		if s.transition(a, at, state, reason, data) {
			changed = true
		}
		s.runActions(ctx, a, at)
	}
	ev.nextSample = ev.nextSample.Add(time.Duration(steps) * step)
	return changed, nil
}

// sample is one minute of an ECS service metric; has is false without running tasks.
func (s *Service) sample(ctx context.Context, metric, region, cluster, service string) (float64, bool, error) {
	sm, err := s.cfg.Metrics.Sample(ctx, region, cluster, service)
	if errors.Is(err, appscaling.ErrNoService) {
		return 0, false, nil
	} else if err != nil {
		return 0, false, err
	}
	if sm.Tasks == 0 {
		return 0, false, nil
	}
	if metric == MetricMemory {
		return sm.Memory, true, nil
	}
	return sm.CPU, true, nil
}

// closePeriod turns the period's samples into a datapoint by the statistic.
func (ev *evaluation) closePeriod(at time.Time, statistic string, keep int) {
	dp := datapoint{at: at}
	if len(ev.samples) > 0 {
		dp.value, dp.ok = aggregate(ev.samples, statistic), true
		ev.lastValue, ev.hasValue = dp.value, true
	}
	ev.samples = nil
	ev.points = append(ev.points, dp)
	if len(ev.points) > keep {
		ev.points = ev.points[len(ev.points)-keep:]
	}
}

func aggregate(v []float64, statistic string) float64 {
	switch statistic {
	case "Maximum":
		return slices.Max(v)
	case "Minimum":
		return slices.Min(v)
	case "SampleCount":
		return float64(len(v))
	case "Sum":
		var t float64
		for _, x := range v {
			t += x
		}
		return t
	default:
		var t float64
		for _, x := range v {
			t += x
		}
		return t / float64(len(v))
	}
}

func breaches(op string, v, threshold float64) bool {
	switch op {
	case GreaterOrEqual:
		return v >= threshold
	case Greater:
		return v > threshold
	case Less:
		return v < threshold
	case LessOrEqual:
		return v <= threshold
	}
	return false
}

var opWords = map[string]string{GreaterOrEqual: "greater than or equal to", Greater: "greater than",
	Less: "less than", LessOrEqual: "less than or equal to"}

// evaluate decides the state from the last EvaluationPeriods datapoints: ALARM when
// DatapointsToAlarm of them breach, OK when enough are known and fewer breach,
// INSUFFICIENT_DATA when none is known. Missing datapoints count as TreatMissingData
// says; "ignore" (and "" for an unknown operator) keeps the current state.
func (a *alarm) evaluate(start time.Time) (state, reason, data string) {
	m := a.A
	n, need := m.EvaluationPeriods, m.EvaluationPeriods
	if m.DatapointsToAlarm != nil {
		need = *m.DatapointsToAlarm
	}
	if _, known := opWords[m.ComparisonOperator]; !known {
		return "", "", ""
	}
	pts := a.eval.points[max(len(a.eval.points)-n, 0):]
	threshold := *m.Threshold
	var breached, evaluated int
	var shown []string
	var recent []float64
	for i := len(pts) - 1; i >= 0; i-- {
		p := pts[i]
		if !p.ok {
			switch m.TreatMissingData {
			case MissingBreaching:
				breached++
				evaluated++
			case MissingNotBreaches:
				evaluated++
			}
			continue
		}
		evaluated++
		recent = append(recent, p.value)
		shown = append(shown, fmt.Sprintf("%s (%s)", formatValue(p.value), p.at.UTC().Format("02/01/06 15:04:05")))
		if breaches(m.ComparisonOperator, p.value, threshold) {
			breached++
		}
	}
	raw, _ := json.Marshal(map[string]any{"version": "1.0", "queryDate": start.UTC().Format("2006-01-02T15:04:05.000+0000"),
		"statistic": m.Statistic, "period": *m.Period, "recentDatapoints": recent, "threshold": threshold})
	data = string(raw)
	words := opWords[m.ComparisonOperator]
	switch {
	case breached >= need:
		return StateAlarm, fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] were %s the threshold (%s) (minimum %d datapoints for OK -> ALARM transition).",
			breached, len(pts), strings.Join(shown, ", "), words, formatValue(threshold), need), data
	case evaluated == 0 && m.TreatMissingData == MissingIgnore:
		return "", "", ""
	case evaluated == 0:
		return StateInsufficient, fmt.Sprintf("Insufficient Data: %d datapoints were unknown.", len(pts)), data
	case breached+(n-evaluated) >= need:
		// The datapoints still to come could yet make ALARM: no conclusion, as
		// CloudWatch waits for enough datapoints before it calls an alarm OK.
		return "", "", ""
	default:
		return StateOK, fmt.Sprintf("Threshold Crossed: %d out of the last %d datapoints [%s] were not %s the threshold (%s) (minimum %d datapoints for ALARM -> OK transition).",
			evaluated-breached, len(pts), strings.Join(shown, ", "), words, formatValue(threshold), n-need+1), data
	}
}

// formatValue prints a datapoint as CloudWatch's reasons do: at least one decimal,
// without the float noise of a computed rate.
func formatValue(v float64) string {
	v = math.Round(v*1e6) / 1e6
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.1f", v)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
