package appscaling

import (
	"strings"
	"testing"
	"time"
)

func TestScheduleNext(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	anchor := utc("2026-03-02T09:00:00Z") // a Monday
	tests := []struct {
		expr, tz, after, want string
	}{
		{"at(2026-03-02T10:30:00)", "", "2026-03-02T09:00:00Z", "2026-03-02T10:30:00Z"},
		{"at(2026-03-02T10:30:00)", "", "2026-03-02T10:30:00Z", ""}, // fired
		{"at(2026-03-02T10:30:00)", "America/New_York", "2026-03-02T09:00:00Z", "2026-03-02T15:30:00Z"},
		{"rate(1 minute)", "", "2026-03-02T09:00:00Z", "2026-03-02T09:01:00Z"},
		{"rate(5 minutes)", "", "2026-03-02T09:07:00Z", "2026-03-02T09:10:00Z"},
		{"rate(2 hours)", "", "2026-03-02T09:00:00Z", "2026-03-02T11:00:00Z"},
		{"rate(1 day)", "", "2026-03-02T09:00:30Z", "2026-03-03T09:00:00Z"},
		{"cron(0 22 ? * MON-FRI *)", "", "2026-03-02T09:00:00Z", "2026-03-02T22:00:00Z"},
		{"cron(0 22 ? * MON-FRI *)", "", "2026-03-06T22:00:00Z", "2026-03-09T22:00:00Z"}, // Friday night → Monday
		{"cron(0 22 ? * MON-FRI *)", "Europe/Paris", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z"},
		{"cron(*/15 * * * ? *)", "", "2026-03-02T09:07:00Z", "2026-03-02T09:15:00Z"},
		{"cron(5/20 8 * * ? *)", "", "2026-03-02T08:06:00Z", "2026-03-02T08:25:00Z"},
		{"cron(0 0 1 JAN ? *)", "", "2026-03-02T09:00:00Z", "2027-01-01T00:00:00Z"},
		{"cron(0 0 1 1 ? 2025)", "", "2026-03-02T09:00:00Z", ""},                   // a year gone
		{"cron(0 12 ? * 1 *)", "", "2026-03-02T09:00:00Z", "2026-03-08T12:00:00Z"}, // 1 is Sunday
		// 02:30 does not exist in Paris on 29 March 2026 (clocks go 02:00 → 03:00).
		{"cron(30 2 * * ? *)", "Europe/Paris", "2026-03-28T02:00:00Z", "2026-03-30T00:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" "+tt.tz+" "+tt.after, func(t *testing.T) {
			s, err := ParseSchedule(tt.expr, tt.tz)
			if err != nil {
				t.Fatal(err)
			}
			got := s.Next(utc(tt.after), anchor)
			if tt.want == "" {
				if !got.IsZero() {
					t.Fatalf("next %v, want never", got)
				}
				return
			}
			if !got.Equal(utc(tt.want)) {
				t.Fatalf("next %v, want %s", got.UTC(), tt.want)
			}
		})
	}
}

func TestScheduleErrors(t *testing.T) {
	tests := []struct{ expr, tz, want string }{
		{"every day", "", "Unsupported schedule format"},
		{"rate(1 minutes)", "", "rate() is not valid"},
		{"rate(5 minute)", "", "rate() is not valid"},
		{"rate(0 minutes)", "", "rate() is not valid"},
		{"cron(0 9 * * *)", "", "want 6 fields"},
		{"cron(0 9 * * MON *)", "", "must be ?"},
		{"cron(0 25 * * ? *)", "", "outside 0-23"},
		{"cron(0 9 L * ? *)", "", "not supported"},
		{"at(2026-02-30T10:00:00)", "", "at() is not valid"},
		{"at(2026-03-02T10:00:00)", "Nowhere/Land", "Invalid timezone"},
	}
	for _, tt := range tests {
		if _, err := ParseSchedule(tt.expr, tt.tz); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.expr, err, tt.want)
		}
	}
}
