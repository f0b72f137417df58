package taskdef

import (
	"math"
	"strconv"
	"strings"
)

// parseTaskCPU converts a task-level cpu string to CPU units (spec §2.3): plain units
// ("1024") or vCPU ("1 vCPU", ".25 vcpu"), where 1 vCPU = 1024 units. The result must be
// a positive whole number of units.
func parseTaskCPU(s string) (int, bool) {
	return parseScaled(s, "vcpu", 1024)
}

// parseTaskMemory converts a task-level memory string to MiB: plain MiB ("1024") or GB
// ("1GB", "1 GB", ".5 gb"), where 1 GB = 1024 MiB.
func parseTaskMemory(s string) (int, bool) {
	return parseScaled(s, "gb", 1024)
}

// parseScaled reads "<number>" as a whole base value, or "<number>[ ]<unit>" (unit
// matched case-insensitively) as number×scale, which must come out whole and positive.
func parseScaled(s, unit string, scale float64) (int, bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(t); err == nil {
		if n <= 0 {
			return 0, false
		}
		return n, true
	}
	lower := strings.ToLower(t)
	if !strings.HasSuffix(lower, unit) {
		return 0, false
	}
	num := strings.TrimSpace(t[:len(t)-len(unit)])
	if num == "" || strings.ContainsAny(num, "eE+-xXpP_") { // plain decimals only
		return 0, false
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	v := f * scale
	if v <= 0 || v > math.MaxInt32 || v != math.Trunc(v) {
		return 0, false
	}
	return int(v), true
}
