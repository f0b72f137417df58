package tui

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// age prints a duration as k9s does: 42s, 5m, 3h12m, 2d4h.
func age(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%02dh", int(d.Hours())/24, int(d.Hours())%24)
}

// countdown prints time left as m:ss (under an hour) or as an age.
func countdown(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	if d < time.Hour {
		s := int(d.Round(time.Second).Seconds())
		return fmt.Sprintf("%d:%02d", s/60, s%60)
	}
	return age(d)
}

// bar draws used/total in width cells: ███░░.
func bar(used, total, width int) string {
	if total <= 0 || width <= 0 {
		return strings.Repeat("·", max(width, 0))
	}
	n := min(max(used*width/total, 0), width)
	if used > 0 && n == 0 {
		n = 1
	}
	return strings.Repeat("█", n) + strings.Repeat("░", width-n)
}

// money prints dollars with cents, or fractions of a cent when small.
func money(v float64) string {
	if v != 0 && v < 0.01 && v > -0.01 {
		return fmt.Sprintf("$%.4f", v)
	}
	return fmt.Sprintf("$%.2f", v)
}

// taskSize prints a task's CPU units and memory as vCPU/GB: 0.25/0.5G.
func taskSize(cpu, memory string) string {
	if cpu == "" && memory == "" {
		return "-"
	}
	c, errC := strconv.Atoi(cpu)
	mem, errM := strconv.Atoi(memory)
	if errC != nil || errM != nil {
		return cpu + "/" + memory
	}
	return strconv.FormatFloat(float64(c)/1024, 'f', -1, 64) + "/" + strconv.FormatFloat(float64(mem)/1024, 'f', -1, 64) + "G"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
