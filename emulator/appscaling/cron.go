package appscaling

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSpec is an AWS cron expression: minutes hours day-of-month month day-of-week
// year, where day-of-week 1 is Sunday and one of the two day fields is "?".
type cronSpec struct {
	minute, hour, dom, month, dow [64]bool
	domAny, dowAny                bool // the field is "?" (or "*"): it does not restrict
	years                         map[int]bool
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames   = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

// cronHorizon bounds the search for the next firing (a schedule for a year that has
// passed, or 30 February, never fires).
const cronHorizon = 5 * 366

func parseCron(expr string) (*cronSpec, error) {
	f := strings.Fields(expr)
	if len(f) != 6 {
		return nil, fmt.Errorf("want 6 fields (minutes hours day-of-month month day-of-week year), got %d", len(f))
	}
	c := &cronSpec{}
	if err := parseField(f[0], 0, 59, nil, c.minute[:]); err != nil {
		return nil, fmt.Errorf("minutes: %w", err)
	}
	if err := parseField(f[1], 0, 23, nil, c.hour[:]); err != nil {
		return nil, fmt.Errorf("hours: %w", err)
	}
	if err := parseField(f[3], 1, 12, monthNames, c.month[:]); err != nil {
		return nil, fmt.Errorf("month: %w", err)
	}
	c.domAny, c.dowAny = f[2] == "?" || f[2] == "*", f[4] == "?" || f[4] == "*"
	if f[2] != "?" && f[4] != "?" {
		return nil, errors.New("one of day-of-month and day-of-week must be ?")
	}
	if !c.domAny {
		if err := parseField(f[2], 1, 31, nil, c.dom[:]); err != nil {
			return nil, fmt.Errorf("day-of-month: %w", err)
		}
	}
	if !c.dowAny {
		if err := parseField(f[4], 1, 7, dayNames, c.dow[:]); err != nil {
			return nil, fmt.Errorf("day-of-week: %w", err)
		}
	}
	if f[5] != "*" {
		c.years = map[int]bool{}
		for _, part := range strings.Split(f[5], ",") {
			lo, hi, step, err := parseRange(part, 1970, 2199, nil)
			if err != nil {
				return nil, fmt.Errorf("year: %w", err)
			}
			for y := lo; y <= hi; y += step {
				c.years[y] = true
			}
		}
	}
	return c, nil
}

// parseField sets the values a comma-separated field allows.
func parseField(s string, lo, hi int, names map[string]int, set []bool) error {
	for _, part := range strings.Split(s, ",") {
		a, b, step, err := parseRange(part, lo, hi, names)
		if err != nil {
			return err
		}
		for v := a; v <= b; v += step {
			set[v] = true
		}
	}
	return nil
}

// parseRange reads "*", "v", "a-b", each optionally "/step".
func parseRange(s string, lo, hi int, names map[string]int) (a, b, step int, err error) {
	step = 1
	if base, st, ok := strings.Cut(s, "/"); ok {
		if step, err = strconv.Atoi(st); err != nil || step <= 0 {
			return 0, 0, 0, fmt.Errorf("bad step %q", st)
		}
		s = base
		defer func() {
			if err == nil && !strings.Contains(base, "-") && base != "*" {
				b = hi // "5/15": from 5 to the end
			}
		}()
	}
	if s == "*" {
		return lo, hi, step, nil
	}
	val := func(v string) (int, error) {
		if n, ok := names[strings.ToUpper(v)]; ok {
			return n, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("%q is not supported (ecsmini knows *, ?, numbers, names, ranges, lists and steps)", v)
		}
		if n < lo || n > hi {
			return 0, fmt.Errorf("%d is outside %d-%d", n, lo, hi)
		}
		return n, nil
	}
	x, y, isRange := strings.Cut(s, "-")
	if a, err = val(x); err != nil {
		return 0, 0, 0, err
	}
	b = a
	if isRange {
		if b, err = val(y); err != nil {
			return 0, 0, 0, err
		}
		if b < a {
			return 0, 0, 0, fmt.Errorf("range %q ends before it starts", s)
		}
	}
	return a, b, step, nil
}

// next is the first matching minute strictly after t, in t's location; zero if none
// within cronHorizon days.
func (c *cronSpec) next(t time.Time) time.Time {
	loc := t.Location()
	t = t.Truncate(time.Minute).Add(time.Minute)
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for range cronHorizon {
		if c.dayMatches(day) {
			for h := 0; h < 24; h++ {
				if !c.hour[h] {
					continue
				}
				for m := 0; m < 60; m++ {
					if !c.minute[m] {
						continue
					}
					at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
					if at.Hour() != h || at.Minute() != m { // skipped by a daylight saving change
						continue
					}
					if !at.Before(t) {
						return at
					}
				}
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	}
	return time.Time{}
}

func (c *cronSpec) dayMatches(d time.Time) bool {
	if c.years != nil && !c.years[d.Year()] {
		return false
	}
	if !c.month[int(d.Month())] {
		return false
	}
	if !c.domAny && !c.dom[d.Day()] {
		return false
	}
	if !c.dowAny && !c.dow[int(d.Weekday())+1] {
		return false
	}
	return true
}
