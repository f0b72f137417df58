package composeimport

import (
	"fmt"
	"math"
)

// fargateSizes are Fargate's task sizes: for each CPU value (units), the memory values
// (MiB) it allows, smallest first (the table in spec §3.1).
var fargateSizes = []struct {
	cpu      int
	memories []int
}{
	{256, []int{512, 1024, 2048}},
	{512, steps(1024, 4096, 1024)},
	{1024, steps(2048, 8192, 1024)},
	{2048, steps(4096, 16384, 1024)},
	{4096, steps(8192, 30720, 1024)},
	{8192, steps(16384, 61440, 4096)},
	{16384, steps(32768, 122880, 8192)},
}

func steps(from, to, step int) []int {
	var out []int
	for v := from; v <= to; v += step {
		out = append(out, v)
	}
	return out
}

// fargateSize is the smallest Fargate task size that holds cpu units and memory MiB:
// the fewest CPU units first (CPU costs about nine times as much as a GiB per hour),
// then the least memory that CPU value allows. It fails when nothing is big enough.
func fargateSize(cpu, memory int) (int, int, error) {
	for _, s := range fargateSizes {
		if s.cpu < cpu {
			continue
		}
		for _, m := range s.memories {
			if m >= memory {
				return s.cpu, m, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("no Fargate task size holds %d CPU units and %d MiB (the largest is 16384 units, 122880 MiB)", cpu, memory)
}

// cpuUnits converts compose's cpus (1.5) to ECS CPU units (1536).
func cpuUnits(cpus float32) int {
	return int(math.Ceil(float64(cpus) * 1024))
}

// mebibytes converts compose bytes to ECS MiB, rounding up.
func mebibytes(b int64) int {
	return int((b + (1<<20 - 1)) >> 20)
}
