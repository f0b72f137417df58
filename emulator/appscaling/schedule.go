package appscaling

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Timezone names must resolve on machines without a zoneinfo database
)

// Schedule is a parsed scheduled action schedule: at(), rate() or cron(), in a time
// zone (UTC unless the action's Timezone names one).
type Schedule struct {
	at   time.Time     // at(): the one time
	rate time.Duration // rate(): the period, counted from the anchor
	cron *cronSpec
	loc  *time.Location
}

var (
	atRE   = regexp.MustCompile(`^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$`)
	rateRE = regexp.MustCompile(`^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$`)
	cronRE = regexp.MustCompile(`^cron\((.*)\)$`)
)

// ParseSchedule parses expr in the IANA time zone tz ("" is UTC); errors are the
// API's ValidationException.
func ParseSchedule(expr, tz string) (Schedule, error) {
	loc := time.UTC
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil || tz == "Local" {
			return Schedule{}, validation("Invalid timezone: %s", tz)
		}
		loc = l
	}
	s := Schedule{loc: loc}
	switch {
	case atRE.MatchString(expr):
		t, err := time.ParseInLocation("2006-01-02T15:04:05", atRE.FindStringSubmatch(expr)[1], loc)
		if err != nil {
			return Schedule{}, validation("Schedule at() is not valid: %s", expr)
		}
		s.at = t
	case rateRE.MatchString(expr):
		m := rateRE.FindStringSubmatch(expr)
		n, err := strconv.Atoi(m[1])
		if err != nil || n <= 0 {
			return Schedule{}, validation("Schedule rate() is not valid: %s", expr)
		}
		if (n == 1) != !strings.HasSuffix(m[2], "s") {
			return Schedule{}, validation("Schedule rate() is not valid: %s (use a singular unit for 1 and a plural one otherwise)", expr)
		}
		unit := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(m[2], "s")]
		s.rate = time.Duration(n) * unit
	case cronRE.MatchString(expr):
		c, err := parseCron(cronRE.FindStringSubmatch(expr)[1])
		if err != nil {
			return Schedule{}, validation("Schedule cron() is not valid: %s: %v", expr, err)
		}
		s.cron = c
	default:
		return Schedule{}, validation("Unsupported schedule format: %s. Use at(), rate() or cron()", expr)
	}
	return s, nil
}

// Next is the first time the schedule fires strictly after after; anchor is when a
// rate() starts counting (the action's StartTime, else its creation). Zero: never.
func (s Schedule) Next(after, anchor time.Time) time.Time {
	switch {
	case !s.at.IsZero():
		if s.at.After(after) {
			return s.at
		}
		return time.Time{}
	case s.rate > 0:
		if anchor.After(after) {
			return anchor
		}
		n := after.Sub(anchor)/s.rate + 1
		return anchor.Add(n * s.rate)
	case s.cron != nil:
		return s.cron.next(after.In(s.loc))
	}
	return time.Time{}
}
