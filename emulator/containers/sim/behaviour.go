package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Labels that set a simulated container's behaviour (see the package doc).
const (
	LabelExitCode      = "ecsmini.sim/exit-code"
	LabelExitAfter     = "ecsmini.sim/exit-after"
	LabelIgnoreSIGTERM = "ecsmini.sim/ignore-sigterm"
	LabelAllocateMiB   = "ecsmini.sim/allocate-mib"
	LabelHealth        = "ecsmini.sim/health"
	LabelOutput        = "ecsmini.sim/output"
	LabelStartDelay    = "ecsmini.sim/start-delay"
	LabelCPUPercent    = "ecsmini.sim/cpu-percent"
	LabelBurnCPU       = "ecsmini.sim/burn-cpu"
)

// defaultCPUPercent is a simulated container's CPU use while running, in percent of
// one CPU, unless ecsmini.sim/cpu-percent says otherwise.
const defaultCPUPercent = 2

// behaviour is what a simulated container's process does.
type behaviour struct {
	exitCode      int
	exits         bool // exits by itself exitAfter after start
	exitAfter     time.Duration
	ignoreSIGTERM bool
	allocateMiB   int
	// health is the result of the health check: "" follows the check's command (see
	// checkFails), else "healthy" or "unhealthy".
	health     string
	output     []string
	startDelay time.Duration
	// cpuPercent is the steady CPU use while running (percent of one CPU); burnFor the
	// time after start during which one whole CPU more is used (the declared load
	// Application Auto Scaling's CPU metric sees).
	cpuPercent float64
	burnFor    time.Duration
}

// parseBehaviour reads the workload arguments of spec, then its labels, which win.
func parseBehaviour(spec containers.Spec) (behaviour, error) {
	b := behaviour{cpuPercent: defaultCPUPercent}
	args := append(append([]string(nil), spec.Entrypoint...), spec.Cmd...)
	if err := b.parseArgs(args); err != nil {
		return b, err
	}
	if err := b.parseLabels(spec.Labels); err != nil {
		return b, err
	}
	return b, nil
}

// parseArgs honours `ecsmini workload` flags after the first "workload" word, leniently:
// unknown flags and stray words are skipped, since the sim cannot know every flag.
func (b *behaviour) parseArgs(args []string) error {
	start := -1
	for i, a := range args {
		if a == "workload" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return nil
	}
	rest := args[start:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		next := func() string {
			if !hasValue && i+1 < len(rest) {
				i++
				value = rest[i]
			}
			return value
		}
		var err error
		switch name {
		case "exit-code":
			b.exitCode, err = parseExitCode(next())
		case "exit-after":
			b.exitAfter, err = parseDuration(next())
			b.exits = true
		case "ignore-sigterm":
			b.ignoreSIGTERM, err = parseFlagBool(value, hasValue)
		case "unhealthy":
			var bad bool
			if bad, err = parseFlagBool(value, hasValue); bad {
				b.health = "unhealthy"
			}
		case "allocate-mb", "allocate-mib":
			b.allocateMiB, err = parseMiB(next())
		case "log":
			b.output = append(b.output, next())
		case "burn-cpu":
			b.burnFor, err = parseDuration(next())
		case "listen":
			next() // the sim serves nothing; Ports are still bound
		}
		if err != nil {
			return fmt.Errorf("workload flag --%s=%q: %w: %w", name, value, ErrBehaviour, err)
		}
	}
	return nil
}

func (b *behaviour) parseLabels(labels map[string]string) error {
	for _, key := range []string{LabelExitCode, LabelExitAfter, LabelIgnoreSIGTERM,
		LabelAllocateMiB, LabelHealth, LabelOutput, LabelStartDelay, LabelCPUPercent, LabelBurnCPU} {
		v, ok := labels[key]
		if !ok {
			continue
		}
		var err error
		switch key {
		case LabelExitCode:
			b.exitCode, err = parseExitCode(v)
		case LabelExitAfter:
			b.exitAfter, err = parseDuration(v)
			b.exits = true
		case LabelIgnoreSIGTERM:
			b.ignoreSIGTERM, err = strconv.ParseBool(strings.TrimSpace(v))
		case LabelAllocateMiB:
			b.allocateMiB, err = parseMiB(v)
		case LabelHealth:
			switch h := strings.ToLower(strings.TrimSpace(v)); h {
			case "healthy", "unhealthy":
				b.health = h
			default:
				err = fmt.Errorf("want healthy or unhealthy")
			}
		case LabelOutput:
			b.output = strings.Split(strings.TrimSuffix(v, "\n"), "\n")
		case LabelStartDelay:
			b.startDelay, err = parseDuration(v)
		case LabelCPUPercent:
			b.cpuPercent, err = parsePercent(v)
		case LabelBurnCPU:
			b.burnFor, err = parseDuration(v)
		}
		if err != nil {
			return fmt.Errorf("label %s=%q: %w: %w", key, v, ErrBehaviour, err)
		}
	}
	return nil
}

func parseExitCode(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if n < 0 || n > 255 {
		return 0, fmt.Errorf("exit code %d outside 0..255", n)
	}
	return n, nil
}

func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %v", d)
	}
	return d, nil
}

// parsePercent reads a CPU load in percent of one CPU (0..6400: up to 64 CPUs).
func parsePercent(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, err
	}
	if f < 0 || f > 6400 {
		return 0, fmt.Errorf("%v%% outside 0..6400", f)
	}
	return f, nil
}

func parseMiB(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	if n < 0 || n > 1<<20 {
		return 0, fmt.Errorf("%d MiB outside 0..%d", n, 1<<20)
	}
	return n, nil
}

// parseFlagBool reads a boolean flag: bare means true, --flag=value parses value.
func parseFlagBool(value string, hasValue bool) (bool, error) {
	if !hasValue {
		return true, nil
	}
	return strconv.ParseBool(value)
}

// checkFails reports whether a health check's command obviously fails (`false`,
// `exit N` with N ≠ 0), so a task definition can be made unhealthy without labels.
func checkFails(test []string) bool {
	if len(test) < 2 {
		return false
	}
	cmd := strings.Join(test[1:], " ")
	fields := strings.Fields(cmd)
	switch {
	case len(fields) == 1 && (fields[0] == "false" || fields[0] == "/bin/false"):
		return true
	case len(fields) == 2 && fields[0] == "exit":
		return fields[1] != "0"
	}
	return false
}
