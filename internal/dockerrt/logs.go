package dockerrt

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/pkg/stdcopy"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Logs returns the container's output as plain text. The engine multiplexes stdout and
// stderr into framed records (ecsmini never allocates a TTY); one goroutine
// demultiplexes them into a pipe, and ends when the stream ends (the container exited
// while following, or all output was read), ctx ends, or the reader is closed.
func (e *Engine) Logs(ctx context.Context, id string, follow bool) (io.ReadCloser, error) {
	rc, err := e.cli.ContainerLogs(ctx, id, container.LogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow})
	if err != nil {
		return nil, wrapErr("logs "+id, err, false)
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(pw, pw, rc)
		rc.Close()
		pw.CloseWithError(err) // nil: readers see io.EOF
	}()
	return &logReader{PipeReader: pr, stream: rc}, nil
}

// logReader closes the engine stream with the pipe, so the demultiplexing goroutine
// ends when the caller stops reading.
type logReader struct {
	*io.PipeReader
	stream io.Closer
}

func (r *logReader) Close() error {
	r.stream.Close()
	return r.PipeReader.Close()
}

// Stats samples usage once; the one-shot API answers at once instead of waiting a
// second for a CPU delta the port does not report.
func (e *Engine) Stats(ctx context.Context, id string) (containers.Stats, error) {
	resp, err := e.cli.ContainerStatsOneShot(ctx, id)
	if err != nil {
		return containers.Stats{}, wrapErr("stats "+id, err, false)
	}
	defer resp.Body.Close()
	var s container.StatsResponse
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return containers.Stats{}, fmt.Errorf("stats %s: decoding: %w", id, err)
	}
	return toStats(s), nil
}

// toStats keeps the counters the task metadata endpoint serves, summing networks.
func toStats(s container.StatsResponse) containers.Stats {
	out := containers.Stats{
		Read:           s.Read,
		CPUTotalNanos:  s.CPUStats.CPUUsage.TotalUsage,
		SystemCPUNanos: s.CPUStats.SystemUsage,
		OnlineCPUs:     int(s.CPUStats.OnlineCPUs),
		MemoryUsage:    s.MemoryStats.Usage,
		MemoryLimit:    s.MemoryStats.Limit,
		PIDs:           s.PidsStats.Current,
	}
	if out.OnlineCPUs == 0 {
		out.OnlineCPUs = len(s.CPUStats.CPUUsage.PercpuUsage) // cgroup v1 engines before 1.27
	}
	for _, n := range s.Networks {
		out.NetworkRxBytes += n.RxBytes
		out.NetworkTxBytes += n.TxBytes
	}
	return out
}
