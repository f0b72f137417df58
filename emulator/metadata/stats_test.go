package metadata

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// dockerStatsJSON mirrors the Docker Engine API's StatsJSON (api/types/container),
// every key it has and no more, plus ECS's network_rate_stats. Decoding with
// DisallowUnknownFields proves the handler invents no keys; the key check below proves
// it leaves none of Docker's out.
type dockerStatsJSON struct {
	Read      time.Time `json:"read"`
	PreRead   time.Time `json:"preread"`
	PidsStats struct {
		Current uint64 `json:"current,omitempty"`
		Limit   uint64 `json:"limit,omitempty"`
	} `json:"pids_stats"`
	BlkioStats   map[string][]json.RawMessage `json:"blkio_stats"`
	NumProcs     uint32                       `json:"num_procs"`
	StorageStats struct{}                     `json:"storage_stats"`
	CPUStats     dockerCPUStats               `json:"cpu_stats"`
	PreCPUStats  dockerCPUStats               `json:"precpu_stats"`
	MemoryStats  struct {
		Usage    uint64            `json:"usage,omitempty"`
		MaxUsage uint64            `json:"max_usage,omitempty"`
		Stats    map[string]uint64 `json:"stats,omitempty"`
		Failcnt  uint64            `json:"failcnt,omitempty"`
		Limit    uint64            `json:"limit,omitempty"`
	} `json:"memory_stats"`
	Name     string `json:"name"`
	ID       string `json:"id"`
	Networks map[string]struct {
		RxBytes   uint64 `json:"rx_bytes"`
		RxPackets uint64 `json:"rx_packets"`
		RxErrors  uint64 `json:"rx_errors"`
		RxDropped uint64 `json:"rx_dropped"`
		TxBytes   uint64 `json:"tx_bytes"`
		TxPackets uint64 `json:"tx_packets"`
		TxErrors  uint64 `json:"tx_errors"`
		TxDropped uint64 `json:"tx_dropped"`
	} `json:"networks"`
	NetworkRateStats *struct {
		RxBytesPerSec float64 `json:"rx_bytes_per_sec"`
		TxBytesPerSec float64 `json:"tx_bytes_per_sec"`
	} `json:"network_rate_stats"`
}

type dockerCPUStats struct {
	CPUUsage struct {
		TotalUsage        uint64   `json:"total_usage"`
		PercpuUsage       []uint64 `json:"percpu_usage,omitempty"`
		UsageInKernelmode uint64   `json:"usage_in_kernelmode"`
		UsageInUsermode   uint64   `json:"usage_in_usermode"`
	} `json:"cpu_usage"`
	SystemUsage    uint64 `json:"system_cpu_usage,omitempty"`
	OnlineCPUs     uint32 `json:"online_cpus,omitempty"`
	ThrottlingData struct {
		Periods          uint64 `json:"periods"`
		ThrottledPeriods uint64 `json:"throttled_periods"`
		ThrottledTime    uint64 `json:"throttled_time"`
	} `json:"throttling_data"`
}

// statsSeries is n samples one second apart, each adding 0.5 s of CPU, 1000 bytes
// received and 500 sent.
func statsSeries(n int) []containers.Stats {
	out := make([]containers.Stats, n)
	for i := range out {
		out[i] = containers.Stats{
			Read:           t0.Add(time.Duration(i) * time.Second),
			CPUTotalNanos:  uint64(i) * 500_000_000,
			SystemCPUNanos: 1_000_000_000_000 + uint64(i)*2_000_000_000,
			OnlineCPUs:     2,
			MemoryUsage:    64 << 20,
			MemoryLimit:    256 << 20,
			NetworkRxBytes: uint64(i) * 1000,
			NetworkTxBytes: uint64(i) * 500,
			PIDs:           3,
		}
	}
	return out
}

func decodeStats(t *testing.T, body []byte) dockerStatsJSON {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var s dockerStatsJSON
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("not Docker's stats shape: %v\n%s", err, body)
	}
	return s
}

func TestStatsShape(t *testing.T) {
	srv, src := twoTasks(t)
	src.samples["aaaa1111-app"] = statsSeries(3)
	url := srv.URL + "/v4/tokA-app/stats"

	_, body := get(t, http.MethodGet, url, nil)
	first := decodeStats(t, body)
	for _, k := range []string{"read", "preread", "pids_stats", "blkio_stats", "num_procs", "storage_stats", "cpu_stats", "precpu_stats", "memory_stats", "name", "id", "networks"} {
		if _, ok := decodeObject(t, body)[k]; !ok {
			t.Errorf("missing Docker key %q", k)
		}
	}
	if !first.Read.Equal(t0) || !first.PreRead.IsZero() || first.PreCPUStats.CPUUsage.TotalUsage != 0 {
		t.Errorf("first sample: read %v preread %v precpu %+v", first.Read, first.PreRead, first.PreCPUStats)
	}
	if first.NetworkRateStats != nil {
		t.Errorf("network_rate_stats before a second sample: %+v", first.NetworkRateStats)
	}
	if first.ID != "aaaa1111-app" || first.Name != "/app" || first.MemoryStats.Usage != 64<<20 ||
		first.MemoryStats.Limit != 256<<20 || first.CPUStats.OnlineCPUs != 2 || first.PidsStats.Current != 3 ||
		first.CPUStats.SystemUsage != 1_000_000_000_000 {
		t.Errorf("first sample fields: %+v", first)
	}

	_, body = get(t, http.MethodGet, url, nil)
	second := decodeStats(t, body)
	if !second.PreRead.Equal(t0) || second.PreCPUStats.CPUUsage.TotalUsage != 0 ||
		second.CPUStats.CPUUsage.TotalUsage != 500_000_000 {
		t.Errorf("second sample: preread %v cpu %+v precpu %+v", second.PreRead, second.CPUStats, second.PreCPUStats)
	}
	if r := second.NetworkRateStats; r == nil || math.Abs(r.RxBytesPerSec-1000) > 1e-9 || math.Abs(r.TxBytesPerSec-500) > 1e-9 {
		t.Errorf("network_rate_stats %+v, want 1000/500 per second", r)
	}
	if n := second.Networks["eth0"]; n.RxBytes != 1000 || n.TxBytes != 500 {
		t.Errorf("networks %+v", second.Networks)
	}

	// v3 serves the same Docker shape without ECS's rate.
	_, body = get(t, http.MethodGet, srv.URL+"/v3/tokA-app/stats", nil)
	if third := decodeStats(t, body); third.NetworkRateStats != nil || third.PreCPUStats.CPUUsage.TotalUsage != 500_000_000 {
		t.Errorf("v3 third sample: %+v", third)
	}
}

// TestStatsRepeatedSample: a runtime that hands back the same sample twice must not
// turn it into its own predecessor.
func TestStatsRepeatedSample(t *testing.T) {
	s := newSamples()
	series := statsSeries(2)
	if prev := s.record("c", series[0]); !prev.Read.IsZero() {
		t.Fatalf("first: prev %v", prev.Read)
	}
	if prev := s.record("c", series[1]); !prev.Read.Equal(series[0].Read) {
		t.Fatalf("second: prev %v", prev.Read)
	}
	if prev := s.record("c", series[1]); !prev.Read.Equal(series[0].Read) {
		t.Fatalf("repeat: prev %v", prev.Read)
	}
}

func TestSamplesBounded(t *testing.T) {
	s := newSamples()
	for i := range maxTrackedContainers + 10 {
		s.record(string(rune(i)), statsSeries(1)[0])
	}
	if n := len(s.last); n > maxTrackedContainers {
		t.Errorf("%d containers tracked, cap %d", n, maxTrackedContainers)
	}
}

// TestTaskStats: keyed by Docker ID, only the asking task's containers; a container
// whose runtime has no stats maps to null, one with no Docker ID yet is left out.
func TestTaskStats(t *testing.T) {
	src := newFakeSource()
	task := fargateTask("aaaa1111", "alpha")
	task.Containers = append(task.Containers, ContainerInfo{Name: "pending"})
	src.addTask(task)
	src.register("tok", task.TaskARN, "app")
	src.samples["aaaa1111-app"] = statsSeries(1)
	srv := newServer(t, src)

	_, body := get(t, http.MethodGet, srv.URL+"/v4/tok/task/stats", nil)
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Fatalf("keys %v, want the two created containers", keys(m))
	}
	if string(m["aaaa1111-sidecar"]) != "null" {
		t.Errorf("sidecar stats %s, want null", m["aaaa1111-sidecar"])
	}
	if s := decodeStats(t, m["aaaa1111-app"]); s.ID != "aaaa1111-app" {
		t.Errorf("app stats id %q", s.ID)
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
