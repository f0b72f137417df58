package fargate

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// MinimumBilled is Fargate's minimum charge per task: per-second billing with a
// one-minute minimum.
const MinimumBilled = time.Minute

// FreeEphemeralGiB is the ephemeral storage every Fargate task gets without charge.
const FreeEphemeralGiB = 20

// CPU architectures (runtimePlatform.cpuArchitecture).
const (
	ArchX86 = "X86_64"
	ArchARM = "ARM64"
)

// Usage is what Fargate bills a task for: its size, where it ran, and its timestamps.
type Usage struct {
	Region           string
	LaunchType       string // FARGATE, EC2, EXTERNAL
	CapacityProvider string // FARGATE, FARGATE_SPOT, an Auto Scaling group provider, or ""
	Arch             string // X86_64 (default) or ARM64
	OSFamily         string // runtimePlatform.operatingSystemFamily; "" is LINUX
	// CPU and Memory are the task-level values as the task carries them: units ("256")
	// or vCPU ("1 vCPU"), MiB ("512") or GB ("2GB").
	CPU, Memory  string
	EphemeralGiB int // the task's ephemeral storage; 0 means the free 20 GiB

	CreatedAt, PullStartedAt, StartedAt time.Time
	StoppedAt, ExecutionStoppedAt       time.Time
	// Now ends the billed time of a task that has not stopped.
	Now time.Time
}

// UsageOf reads a task's usage. arch and osFamily come from its task definition's
// runtimePlatform ("" for the defaults, X86_64 and LINUX).
func UsageOf(t *ecs.Task, arch, osFamily string, now time.Time) Usage {
	u := Usage{LaunchType: t.LaunchType, CapacityProvider: t.CapacityProviderName, Arch: arch, OSFamily: osFamily,
		CPU: t.Cpu, Memory: t.Memory, Now: now,
		CreatedAt: timeOf(t.CreatedAt), PullStartedAt: timeOf(t.PullStartedAt), StartedAt: timeOf(t.StartedAt),
		StoppedAt: timeOf(t.StoppedAt), ExecutionStoppedAt: timeOf(t.ExecutionStoppedAt)}
	if a, ok := ecs.ParseARN(t.TaskArn); ok {
		u.Region = a.Region
	}
	if s := t.EphemeralStorage; s != nil {
		u.EphemeralGiB = s.SizeInGiB
	}
	return u
}

func timeOf(t *ecs.Timestamp) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.Time
}

// Estimate is what a task costs on Fargate's meter, in USD.
type Estimate struct {
	Launch  string `json:"launch"` // FARGATE, FARGATE_SPOT, EC2, EXTERNAL or the capacity provider
	Billed  bool   `json:"billed"` // Fargate bills it (launch type or capacity provider FARGATE*)
	Spot    bool   `json:"spot"`
	Arch    string `json:"arch"`
	Running bool   `json:"running"` // not stopped yet: billed up to Usage.Now
	// VCPU and MemoryGB are the task size; StorageGB the ephemeral storage billed (above 20 GiB).
	VCPU      float64 `json:"vcpu"`
	MemoryGB  float64 `json:"memoryGB"`
	StorageGB int     `json:"storageGB"`
	// Start and End bound the billed time; Seconds is it rounded up to the second, and at
	// least a minute.
	Start   time.Time `json:"start,omitzero"`
	End     time.Time `json:"end,omitzero"`
	Seconds int64     `json:"billedSeconds"`
	// Cost is the charge so far; OnDemandCost the same usage at on-demand prices, and
	// SpotSavings the difference (0 unless Spot).
	Cost         float64 `json:"cost"`
	OnDemandCost float64 `json:"onDemandCost"`
	SpotSavings  float64 `json:"spotSavings"`
	// PerHour is an hour of this task at the rates it is billed at (whether or not it
	// runs); PerHourOnDemand the same at on-demand rates.
	PerHour         float64 `json:"perHour"`
	PerHourOnDemand float64 `json:"perHourOnDemand"`
	PricedAs        string  `json:"pricedAs,omitempty"` // the region whose prices were used
	Note            string  `json:"note,omitempty"`
}

// Cost estimates what Fargate charges for u (AWS: "from the time you start to download
// your container image until the Amazon ECS Task terminates, rounded up to the nearest
// second", with a one-minute minimum). The billed time starts at pullStartedAt, else
// startedAt, else createdAt, and ends at stoppedAt, else executionStoppedAt, else
// u.Now. A task that stopped before its image pull started is not billed. Only tasks on
// the FARGATE launch type or a FARGATE/FARGATE_SPOT capacity provider are billed; EC2
// and EXTERNAL tasks cost 0 here (their instances are billed instead). Spot rates
// apply to FARGATE_SPOT tasks; ephemeral storage costs the same either way.
func (p PriceTable) Cost(u Usage) Estimate {
	e := Estimate{Arch: u.Arch, Launch: launchOf(u)}
	if e.Arch == "" {
		e.Arch = ArchX86
	}
	e.Start = firstSet(u.PullStartedAt, u.StartedAt, u.CreatedAt)
	e.End = firstSet(u.StoppedAt, u.ExecutionStoppedAt)
	e.Running = e.End.IsZero()
	if e.Running {
		e.End = u.Now
	}
	e.Billed = e.Launch == ecs.Fargate || e.Launch == ecs.FargateSpot
	e.Spot = e.Launch == ecs.FargateSpot
	if !e.Billed {
		e.Note = "not on Fargate: " + e.Launch + " tasks are billed by their instances"
		return e
	}
	cpu, cpuOK := parseScaled(u.CPU, "vcpu")
	mem, memOK := parseScaled(u.Memory, "gb")
	if !cpuOK || !memOK {
		e.Billed = false
		e.Note = "no task-level cpu and memory: not priced"
		return e
	}
	e.VCPU, e.MemoryGB = float64(cpu)/1024, float64(mem)/1024
	e.StorageGB = max(0, u.EphemeralGiB-FreeEphemeralGiB)

	rp, pricedAs, known := p.For(u.Region)
	e.PricedAs = pricedAs
	arch := rp.X86
	if e.Arch == ArchARM {
		arch = rp.ARM
	}
	rates := arch.OnDemand
	if e.Spot {
		rates = arch.Spot
	}
	storage := float64(e.StorageGB) * rp.EphemeralStorageGBHour
	e.PerHour = e.VCPU*rates.VCPUHour + e.MemoryGB*rates.GBHour + storage
	e.PerHourOnDemand = e.VCPU*arch.OnDemand.VCPUHour + e.MemoryGB*arch.OnDemand.GBHour + storage
	switch {
	case !known && u.Region != "":
		e.Note = "no prices for " + u.Region + ": priced as " + pricedAs
	case IsWindows(u.OSFamily):
		e.Note = "priced as Linux: Windows' licence fee and 15-minute minimum are not modelled"
	}

	switch {
	case e.Start.IsZero():
		e.Note = "no createdAt, pullStartedAt or startedAt: not billed"
		return e
	case u.PullStartedAt.IsZero() && u.StartedAt.IsZero() && !e.Running:
		e.Note = "stopped before its image pull started: not billed"
		e.Start = time.Time{}
		return e
	}
	e.Seconds = BilledSeconds(e.End.Sub(e.Start))
	hours := float64(e.Seconds) / 3600
	e.Cost = e.PerHour * hours
	e.OnDemandCost = e.PerHourOnDemand * hours
	if e.Spot {
		e.SpotSavings = e.OnDemandCost - e.Cost
	}
	return e
}

// BilledSeconds is a run time as Fargate bills it: rounded up to the whole second, and
// at least MinimumBilled.
func BilledSeconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second > 0 {
		s++
	}
	return max(s, int64(MinimumBilled/time.Second))
}

// launchOf names how a task runs: its Fargate capacity provider, else its launch type,
// else its (Auto Scaling group) capacity provider.
func launchOf(u Usage) string {
	switch {
	case u.CapacityProvider == ecs.FargateSpot, u.CapacityProvider == ecs.Fargate:
		return u.CapacityProvider
	case u.LaunchType != "":
		return u.LaunchType
	case u.CapacityProvider != "":
		return u.CapacityProvider
	}
	return ecs.LaunchEC2 // ECS's default launch type
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// parseScaled reads a task-level cpu or memory value: a whole number of base units
// (cpu units, MiB), or a decimal followed by unit ("vcpu", "gb"; any case, optional
// space) standing for that many times 1024 base units.
func parseScaled(s, unit string) (int, bool) {
	t := strings.TrimSpace(s)
	if n, err := strconv.Atoi(t); err == nil {
		return n, n > 0
	}
	num, ok := cutSuffixFold(t, unit)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	v := f * 1024
	if err != nil || v <= 0 || v > math.MaxInt32 || v != math.Trunc(v) {
		return 0, false
	}
	return int(v), true
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) < len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return "", false
	}
	return s[:len(s)-len(suffix)], true
}
