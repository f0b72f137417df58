package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// DescribeTasks with 1,000 two-container tasks running on the simulated runtime, 100
// task ARNs a call (the API's maximum), through the real HTTP handler. The target
// is a p99 under 20 ms. "server" is what ecsmini spends (raw requests, body read but not
// parsed); "sdk" adds the official client's signing and decoding in the same process, on
// the same CPUs, so its tail carries the client's GC as well:
//
//	go test ./emulator/httpapi -run '^$' -bench DescribeTasks -benchtime 2000x

const benchTasks = 1000

func BenchmarkDescribeTasks1000(b *testing.B) {
	e := newTaskEnv(b)
	e.createCluster(b, "bench")
	web := cdef("web", 128, nil)
	td := must[*sdkecs.RegisterTaskDefinitionOutput](b)(e.ecs.RegisterTaskDefinition(ctx(b), ec2Def("bench", web, cdef("sidecar", 64, nil))))
	var arns []string
	for len(arns) < benchTasks {
		for _, tk := range e.run(b, &sdkecs.RunTaskInput{Cluster: aws.String("bench"), TaskDefinition: td.TaskDefinition.TaskDefinitionArn, Count: aws.Int32(10)}) {
			arns = append(arns, aws.ToString(tk.TaskArn))
		}
	}
	batches := slices.Collect(slices.Chunk(arns, 100))
	describe := func(batch []string) *sdkecs.DescribeTasksOutput {
		out, err := e.ecs.DescribeTasks(context.Background(), &sdkecs.DescribeTasksInput{Cluster: aws.String("bench"), Tasks: batch})
		if err != nil {
			b.Fatal(err)
		}
		if len(out.Tasks) != len(batch) {
			b.Fatalf("%d tasks for %d ARNs, failures %+v", len(out.Tasks), len(batch), out.Failures)
		}
		return out
	}
	deadline := time.Now().Add(time.Minute)
	for _, batch := range batches {
		for {
			running := 0
			for _, tk := range describe(batch).Tasks {
				if aws.ToString(tk.LastStatus) == "RUNNING" {
					running++
				}
			}
			if running == len(batch) {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("only %d of a batch of %d tasks RUNNING after a minute", running, len(batch))
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	// sdk: the whole round trip a Go program sees, the client's decoding included.
	b.Run("sdk", func(b *testing.B) {
		measure(b, func(i int) { describe(batches[i%len(batches)]) })
	})
	// server: raw requests on a keep-alive connection, reading the body unparsed: what
	// ecsmini itself spends.
	b.Run("server", func(b *testing.B) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		defer client.CloseIdleConnections()
		bodies := make([][]byte, len(batches))
		for i, batch := range batches {
			bodies[i], _ = json.Marshal(map[string]any{"cluster": "bench", "tasks": batch})
		}
		measure(b, func(i int) {
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", bytes.NewReader(bodies[i%len(bodies)]))
			req.Header.Set("X-Amz-Target", httpapi.TargetPrefix+"DescribeTasks")
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || n < 100_000 {
				b.Fatalf("status %d, %d bytes", resp.StatusCode, n)
			}
		})
	})
}

// measure runs call b.N times and reports the p50 and p99 latency in milliseconds.
func measure(b *testing.B, call func(i int)) {
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		call(i)
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	ms := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}
