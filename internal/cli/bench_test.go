package cli

import (
	"net/http"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartup measures what a user waits for: from exec of `ecsmini up` to the
// first successful ECS API call (ListClusters), with a fresh state directory each time.
func BenchmarkStartup(b *testing.B) {
	ecsminiBinary(b)
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		p := startBinary(b, b.TempDir())
		for {
			req, _ := http.NewRequest(http.MethodPost, "http://"+p.addr+"/", strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			time.Sleep(time.Millisecond)
		}
		total += time.Since(start)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		_ = p.cmd.Wait()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-api-ready")
}

// BenchmarkIdleRSS reports the resident memory of an idle `ecsmini up` a second after
// start-up (Linux only: it reads /proc).
func BenchmarkIdleRSS(b *testing.B) {
	var sum float64
	for i := 0; i < b.N; i++ {
		p := startBinary(b, b.TempDir())
		time.Sleep(time.Second)
		sum += rssMiB(b, p.cmd.Process.Pid)
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		_ = p.cmd.Wait()
	}
	b.ReportMetric(sum/float64(b.N), "idle-rss-MiB")
}

func rssMiB(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	b.Fatal("VmRSS not found")
	return 0
}
