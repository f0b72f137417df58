package fargate

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }

func TestCost(t *testing.T) {
	// Hourly rates of the sizes used below, from the built-in us-east-1 prices.
	const (
		quarter  = 0.25*0.04048 + 0.5*0.004445 // 256 cpu / 512 MiB, X86_64 on demand
		oneTwo   = 0.04048 + 2*0.004445        // 1 vCPU / 2 GB, X86_64 on demand
		oneTwoA  = 0.03238 + 2*0.00356         // the same on ARM64
		oneTwoS  = 0.012144 + 2*0.0013335      // the same on Fargate Spot (70% off)
		storage  = 30 * 0.000111               // 50 GiB of ephemeral storage
		notBills = -1.0
	)
	fargate := Usage{Region: "us-east-1", LaunchType: "FARGATE", CPU: "1024", Memory: "2048", CreatedAt: t0}
	with := func(change func(u *Usage)) Usage {
		u := fargate
		change(&u)
		return u
	}
	tests := []struct {
		name    string
		u       Usage
		seconds int64
		perHour float64
		saves   float64
		running bool
		note    string
	}{
		{name: "one-minute minimum", seconds: 60, perHour: quarter, u: with(func(u *Usage) {
			u.CPU, u.Memory, u.PullStartedAt, u.StoppedAt = "256", "512", at(0), at(10*time.Second)
		})},
		{name: "rounded up to the second", seconds: 91, perHour: oneTwo, u: with(func(u *Usage) {
			u.PullStartedAt, u.StoppedAt = at(0), at(90*time.Second+200*time.Millisecond)
		})},
		{name: "whole seconds are not rounded", seconds: 3600, perHour: oneTwo, u: with(func(u *Usage) {
			u.PullStartedAt, u.StoppedAt = at(0), at(time.Hour)
		})},
		{name: "billing starts at the image pull, not creation", seconds: 3600, perHour: oneTwo, u: with(func(u *Usage) {
			u.PullStartedAt, u.StartedAt, u.StoppedAt = at(time.Minute), at(2*time.Minute), at(61*time.Minute)
		})},
		{name: "else at startedAt", seconds: 3540, perHour: oneTwo, u: with(func(u *Usage) {
			u.StartedAt, u.StoppedAt = at(time.Minute), at(time.Hour)
		})},
		{name: "stoppedAt before executionStoppedAt", seconds: 120, perHour: oneTwo, u: with(func(u *Usage) {
			u.PullStartedAt, u.ExecutionStoppedAt, u.StoppedAt = at(0), at(100*time.Second), at(120*time.Second)
		})},
		{name: "executionStoppedAt while deprovisioning", seconds: 100, perHour: oneTwo, u: with(func(u *Usage) {
			u.PullStartedAt, u.ExecutionStoppedAt = at(0), at(100*time.Second)
		})},
		{name: "running: billed until now, from createdAt before the pull", seconds: 7200, perHour: oneTwo, running: true,
			u: with(func(u *Usage) { u.Now = at(2 * time.Hour) })},
		{name: "running for seconds still owes the minimum", seconds: 60, perHour: oneTwo, running: true,
			u: with(func(u *Usage) { u.PullStartedAt, u.Now = at(0), at(5*time.Second) })},
		{name: "ARM64", seconds: 3600, perHour: oneTwoA, u: with(func(u *Usage) {
			u.Arch, u.PullStartedAt, u.StoppedAt = ArchARM, at(0), at(time.Hour)
		})},
		{name: "Fargate Spot", seconds: 3600, perHour: oneTwoS, saves: oneTwo - oneTwoS, u: with(func(u *Usage) {
			u.LaunchType, u.CapacityProvider, u.PullStartedAt, u.StoppedAt = "FARGATE", "FARGATE_SPOT", at(0), at(time.Hour)
		})},
		{name: "capacity provider FARGATE", seconds: 3600, perHour: oneTwo, u: with(func(u *Usage) {
			u.CapacityProvider, u.PullStartedAt, u.StoppedAt = "FARGATE", at(0), at(time.Hour)
		})},
		{name: "ephemeral storage above 20 GiB", seconds: 3600, perHour: oneTwo + storage, u: with(func(u *Usage) {
			u.EphemeralGiB, u.PullStartedAt, u.StoppedAt = 50, at(0), at(time.Hour)
		})},
		{name: "storage costs the same on Spot", seconds: 3600, perHour: oneTwoS + storage, saves: oneTwo - oneTwoS, u: with(func(u *Usage) {
			u.CapacityProvider, u.EphemeralGiB, u.PullStartedAt, u.StoppedAt = "FARGATE_SPOT", 50, at(0), at(time.Hour)
		})},
		{name: "20 GiB is free", seconds: 3600, perHour: oneTwo, u: with(func(u *Usage) {
			u.EphemeralGiB, u.PullStartedAt, u.StoppedAt = 20, at(0), at(time.Hour)
		})},
		{name: "vCPU and GB spellings", seconds: 3600, perHour: oneTwo, u: with(func(u *Usage) {
			u.CPU, u.Memory, u.PullStartedAt, u.StoppedAt = "1 vCPU", "2GB", at(0), at(time.Hour)
		})},
		{name: "a region without prices is priced as us-east-1", seconds: 3600, perHour: oneTwo, note: "no prices for ap-south-2",
			u: with(func(u *Usage) { u.Region, u.PullStartedAt, u.StoppedAt = "ap-south-2", at(0), at(time.Hour) })},
		{name: "EC2 is not on Fargate's meter", perHour: notBills, note: "billed by their instances", u: with(func(u *Usage) {
			u.LaunchType, u.PullStartedAt, u.StoppedAt = "EC2", at(0), at(time.Hour)
		})},
		{name: "an Auto Scaling group provider neither", perHour: notBills, note: "billed by their instances", u: with(func(u *Usage) {
			u.LaunchType, u.CapacityProvider, u.PullStartedAt, u.StoppedAt = "", "asg-cp", at(0), at(time.Hour)
		})},
		{name: "stopped before the pull started", perHour: oneTwo, note: "not billed", u: with(func(u *Usage) {
			u.StoppedAt = at(time.Hour)
		})},
		{name: "no task size", perHour: notBills, note: "not priced", u: with(func(u *Usage) {
			u.CPU, u.PullStartedAt, u.StoppedAt = "", at(0), at(time.Hour)
		})},
	}
	prices := BuiltinPrices()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := prices.Cost(tc.u)
			if e.Seconds != tc.seconds {
				t.Errorf("billed seconds = %d, want %d", e.Seconds, tc.seconds)
			}
			if e.Running != tc.running {
				t.Errorf("running = %v, want %v", e.Running, tc.running)
			}
			if !strings.Contains(e.Note, tc.note) || (tc.note == "" && e.Note != "") {
				t.Errorf("note = %q, want it to say %q", e.Note, tc.note)
			}
			if tc.perHour == notBills {
				if e.Billed || e.Cost != 0 || e.PerHour != 0 {
					t.Errorf("billed %v, cost %g, per hour %g; want nothing", e.Billed, e.Cost, e.PerHour)
				}
				return
			}
			if !near(e.PerHour, tc.perHour) {
				t.Errorf("per hour = %.9f, want %.9f", e.PerHour, tc.perHour)
			}
			want := tc.perHour * float64(tc.seconds) / 3600
			if !near(e.Cost, want) {
				t.Errorf("cost = %.9f, want %.9f", e.Cost, want)
			}
			wantSaves := tc.saves * float64(tc.seconds) / 3600
			if !near(e.SpotSavings, wantSaves) || !near(e.OnDemandCost-e.Cost, wantSaves) {
				t.Errorf("spot savings = %.9f (on demand %.9f), want %.9f", e.SpotSavings, e.OnDemandCost, wantSaves)
			}
		})
	}
}

func TestCostFigures(t *testing.T) {
	// Figures the README quotes: a 0.25 vCPU / 0.5 GB task for a minute, and a 1 vCPU /
	// 2 GB task for a day on demand and on Spot.
	p := BuiltinPrices()
	minute := p.Cost(Usage{LaunchType: "FARGATE", CPU: "256", Memory: "512", PullStartedAt: t0, StoppedAt: at(time.Second)})
	day := Usage{LaunchType: "FARGATE", CPU: "1024", Memory: "2048", PullStartedAt: t0, StoppedAt: at(24 * time.Hour)}
	onDemand := p.Cost(day)
	day.CapacityProvider = "FARGATE_SPOT"
	spot := p.Cost(day)
	for _, c := range []struct {
		what string
		got  float64
		want float64
	}{
		{"0.25 vCPU / 0.5 GB, one second billed as a minute", minute.Cost, 0.000206},
		{"1 vCPU / 2 GB for a day on demand", onDemand.Cost, 1.18488},
		{"1 vCPU / 2 GB for a day on Spot", spot.Cost, 0.355464},
		{"Spot saves", spot.SpotSavings, 0.829416},
	} {
		if math.Abs(c.got-c.want) > 5e-7 {
			t.Errorf("%s: $%.6f, want $%.6f", c.what, c.got, c.want)
		}
	}
}

// TestCostMonotonic checks, over random task sizes and run times, that a longer run
// never costs less, that nothing costs less than its minute, and that Spot never costs
// more than on demand.
func TestCostMonotonic(t *testing.T) {
	p := BuiltinPrices()
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := Sizes()
	for range 2000 {
		s := sizes[rng.IntN(len(sizes))]
		u := Usage{LaunchType: "FARGATE", CPU: strconv.Itoa(s.CPU), Memory: strconv.Itoa(s.MemoryMiB), PullStartedAt: t0,
			EphemeralGiB: 20 + rng.IntN(181)}
		if rng.IntN(2) == 0 {
			u.Arch = ArchARM
		}
		if rng.IntN(2) == 0 {
			u.CapacityProvider = "FARGATE_SPOT"
		}
		d1 := time.Duration(rng.Int64N(int64(48 * time.Hour)))
		d2 := d1 + time.Duration(rng.Int64N(int64(time.Hour)))
		u.StoppedAt = at(d1)
		e1 := p.Cost(u)
		u.StoppedAt = at(d2)
		e2 := p.Cost(u)
		if e2.Cost < e1.Cost {
			t.Fatalf("%+v: %v costs %g, %v costs %g", s, d1, e1.Cost, d2, e2.Cost)
		}
		if e1.Seconds < 60 || e1.Cost < e1.PerHour/60-1e-15 {
			t.Fatalf("%+v for %v: %d s, $%g, below the minute's $%g", s, d1, e1.Seconds, e1.Cost, e1.PerHour/60)
		}
		if e1.Cost > e1.OnDemandCost+1e-15 || e1.SpotSavings < 0 {
			t.Fatalf("%+v for %v: costs %g, on demand %g, saves %g", s, d1, e1.Cost, e1.OnDemandCost, e1.SpotSavings)
		}
	}
}

func TestBilledSeconds(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int64
	}{
		{-time.Second, 60}, {0, 60}, {59*time.Second + time.Millisecond, 60}, {60 * time.Second, 60},
		{60*time.Second + time.Nanosecond, 61}, {time.Hour, 3600},
	} {
		if got := BilledSeconds(c.d); got != c.want {
			t.Errorf("BilledSeconds(%v) = %d, want %d", c.d, got, c.want)
		}
	}
}

func TestUsageOf(t *testing.T) {
	task := &ecs.Task{TaskArn: "arn:aws:ecs:eu-west-1:000000000000:task/default/abc", LaunchType: "FARGATE",
		CapacityProviderName: "FARGATE_SPOT", Cpu: "512", Memory: "1024", CreatedAt: ecs.At(t0),
		PullStartedAt: ecs.At(at(time.Second)), StartedAt: ecs.At(at(2 * time.Second)),
		EphemeralStorage: &ecs.EphemeralStorage{SizeInGiB: 30}}
	u := UsageOf(task, ArchARM, "LINUX", at(time.Hour))
	want := Usage{Region: "eu-west-1", LaunchType: "FARGATE", CapacityProvider: "FARGATE_SPOT", Arch: ArchARM, OSFamily: "LINUX",
		CPU: "512", Memory: "1024", EphemeralGiB: 30, CreatedAt: t0, PullStartedAt: at(time.Second), StartedAt: at(2 * time.Second),
		Now: at(time.Hour)}
	if u != want {
		t.Errorf("UsageOf = %+v\nwant %+v", u, want)
	}
}
