package metadata

import (
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// dockerStats is Docker's container stats JSON (GET /containers/{id}/stats), the body
// of /stats, plus ECS's network_rate_stats on v4. Fields ecsmini does not sample are
// still present, zero, so clients that decode Docker's struct find every key.
type dockerStats struct {
	Read             time.Time            `json:"read"`
	PreRead          time.Time            `json:"preread"`
	PidsStats        pidsStats            `json:"pids_stats"`
	BlkioStats       blkioStats           `json:"blkio_stats"`
	NumProcs         uint32               `json:"num_procs"`
	StorageStats     struct{}             `json:"storage_stats"`
	CPUStats         cpuStats             `json:"cpu_stats"`
	PreCPUStats      cpuStats             `json:"precpu_stats"`
	MemoryStats      memoryStats          `json:"memory_stats"`
	Name             string               `json:"name"`
	ID               string               `json:"id"`
	Networks         map[string]netStats  `json:"networks,omitempty"`
	NetworkRateStats *networkRateResponse `json:"network_rate_stats,omitempty"`
}

type pidsStats struct {
	Current uint64 `json:"current,omitempty"`
}

type blkioStats struct {
	IOServiceBytesRecursive []blkioEntry `json:"io_service_bytes_recursive"`
	IOServicedRecursive     []blkioEntry `json:"io_serviced_recursive"`
	IOQueueRecursive        []blkioEntry `json:"io_queue_recursive"`
	IOServiceTimeRecursive  []blkioEntry `json:"io_service_time_recursive"`
	IOWaitTimeRecursive     []blkioEntry `json:"io_wait_time_recursive"`
	IOMergedRecursive       []blkioEntry `json:"io_merged_recursive"`
	IOTimeRecursive         []blkioEntry `json:"io_time_recursive"`
	SectorsRecursive        []blkioEntry `json:"sectors_recursive"`
}

type blkioEntry struct {
	Major uint64 `json:"major"`
	Minor uint64 `json:"minor"`
	Op    string `json:"op"`
	Value uint64 `json:"value"`
}

type cpuStats struct {
	CPUUsage       cpuUsage       `json:"cpu_usage"`
	SystemUsage    uint64         `json:"system_cpu_usage,omitempty"`
	OnlineCPUs     uint32         `json:"online_cpus,omitempty"`
	ThrottlingData throttlingData `json:"throttling_data"`
}

type cpuUsage struct {
	TotalUsage        uint64 `json:"total_usage"`
	UsageInKernelmode uint64 `json:"usage_in_kernelmode"`
	UsageInUsermode   uint64 `json:"usage_in_usermode"`
}

type throttlingData struct {
	Periods          uint64 `json:"periods"`
	ThrottledPeriods uint64 `json:"throttled_periods"`
	ThrottledTime    uint64 `json:"throttled_time"`
}

type memoryStats struct {
	Usage uint64 `json:"usage,omitempty"`
	Limit uint64 `json:"limit,omitempty"`
}

type netStats struct {
	RxBytes   uint64 `json:"rx_bytes"`
	RxPackets uint64 `json:"rx_packets"`
	RxErrors  uint64 `json:"rx_errors"`
	RxDropped uint64 `json:"rx_dropped"`
	TxBytes   uint64 `json:"tx_bytes"`
	TxPackets uint64 `json:"tx_packets"`
	TxErrors  uint64 `json:"tx_errors"`
	TxDropped uint64 `json:"tx_dropped"`
}

type networkRateResponse struct {
	RxBytesPerSec float64 `json:"rx_bytes_per_sec"`
	TxBytesPerSec float64 `json:"tx_bytes_per_sec"`
}

// renderStats puts a sample and the one before it (zero if none: Docker then reports
// preread as 0001-01-01T00:00:00Z and empty precpu_stats) in Docker's shape. The
// network rate needs two samples, so it appears from the second request on.
func renderStats(c ContainerInfo, cur, prev containers.Stats, v version) dockerStats {
	out := dockerStats{
		Read:        cur.Read.UTC(),
		PidsStats:   pidsStats{Current: cur.PIDs},
		CPUStats:    cpuOf(cur),
		PreCPUStats: cpuOf(prev),
		MemoryStats: memoryStats{Usage: cur.MemoryUsage, Limit: cur.MemoryLimit},
		Name:        "/" + strings.TrimPrefix(c.DockerName, "/"),
		ID:          c.RuntimeID,
		Networks:    map[string]netStats{"eth0": {RxBytes: cur.NetworkRxBytes, TxBytes: cur.NetworkTxBytes}},
	}
	if !prev.Read.IsZero() {
		out.PreRead = prev.Read.UTC()
	}
	secs := cur.Read.Sub(prev.Read).Seconds()
	if v >= v4 && !prev.Read.IsZero() && secs > 0 {
		out.NetworkRateStats = &networkRateResponse{
			RxBytesPerSec: float64(cur.NetworkRxBytes-min(prev.NetworkRxBytes, cur.NetworkRxBytes)) / secs,
			TxBytesPerSec: float64(cur.NetworkTxBytes-min(prev.NetworkTxBytes, cur.NetworkTxBytes)) / secs,
		}
	}
	return out
}

func cpuOf(s containers.Stats) cpuStats {
	return cpuStats{
		CPUUsage:    cpuUsage{TotalUsage: s.CPUTotalNanos},
		SystemUsage: s.SystemCPUNanos,
		OnlineCPUs:  uint32(max(s.OnlineCPUs, 0)),
	}
}

// maxTrackedContainers bounds the sample cache; past it an arbitrary entry is dropped,
// which only costs that container one request without precpu_stats.
const maxTrackedContainers = 4096

// samples remembers the last two distinct samples of each container, so that a request
// can report the previous one as precpu_stats, as the agent's stats engine does.
type samples struct {
	mu   sync.Mutex
	last map[string][2]containers.Stats // runtime ID → {previous, latest}
}

func newSamples() *samples { return &samples{last: make(map[string][2]containers.Stats)} }

// record adds a sample and returns the one to report as previous. A sample no newer than
// the latest (a runtime that caches) leaves the pair as it is.
func (s *samples) record(runtimeID string, cur containers.Stats) containers.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	pair, ok := s.last[runtimeID]
	switch {
	case !ok:
		if len(s.last) >= maxTrackedContainers {
			for id := range s.last {
				delete(s.last, id)
				break
			}
		}
		s.last[runtimeID] = [2]containers.Stats{{}, cur}
		return containers.Stats{}
	case cur.Read.After(pair[1].Read):
		s.last[runtimeID] = [2]containers.Stats{pair[1], cur}
		return pair[1]
	default:
		return pair[0]
	}
}
