package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// Throughput of the task definition operations through the whole HTTP stack (raw
// requests on a reused keep-alive client, so the figures measure the server), with
// 10,000 revisions present: 100 families of 100 revisions. Each benchmark reports ns/op
// and the p99 latency of its requests:
//
//	go test ./emulator/httpapi -run '^$' -bench TaskDefinition -benchtime 5000x

const (
	benchFamilies  = 100
	benchRevisions = 100
)

func benchEnv(b *testing.B) (*env, *http.Client) {
	b.Helper()
	e := newEnv(b)
	for f := range benchFamilies {
		for range benchRevisions {
			in := &ecs.RegisterTaskDefinitionInput{
				Family: fmt.Sprintf("family-%03d", f),
				ContainerDefinitions: []ecs.ContainerDefinition{{
					Name: ecs.Ptr("app"), Image: ecs.Ptr("nginx:latest"), Memory: ecs.Ptr(128),
				}},
			}
			if _, err := e.emu.RegisterTaskDefinition(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(client.CloseIdleConnections)
	return e, client
}

// benchOp posts body as op b.N times, failing on any non-200 answer, and reports the
// p99 latency.
func benchOp(b *testing.B, e *env, client *http.Client, op string, body func(i int) string) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/", strings.NewReader(body(i)))
		req.Header.Set("X-Amz-Target", httpapi.TargetPrefix+op)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("%s answered %d", op, resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	reportLatency(b, lat)
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
	b.ReportMetric(p(0.50), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

func BenchmarkDescribeTaskDefinition(b *testing.B) {
	e, client := benchEnv(b)
	benchOp(b, e, client, "DescribeTaskDefinition", func(i int) string {
		f := i % benchFamilies
		if i%2 == 0 { // latest ACTIVE revision of a family
			return fmt.Sprintf(`{"taskDefinition":"family-%03d"}`, f)
		}
		return fmt.Sprintf(`{"taskDefinition":"family-%03d:%d","include":["TAGS"]}`, f, 1+i%benchRevisions)
	})
}

func BenchmarkRegisterTaskDefinition(b *testing.B) {
	e, client := benchEnv(b)
	benchOp(b, e, client, "RegisterTaskDefinition", func(i int) string {
		return fmt.Sprintf(`{"family":"family-%03d","containerDefinitions":[{"name":"app","image":"nginx:latest","memory":128,`+
			`"portMappings":[{"containerPort":80}],"environment":[{"name":"N","value":"%d"}]}],"tags":[{"key":"k","value":"v"}]}`, i%benchFamilies, i)
	})
}

func BenchmarkListTaskDefinitions(b *testing.B) {
	e, client := benchEnv(b)
	benchOp(b, e, client, "ListTaskDefinitions", func(i int) string {
		switch i % 3 {
		case 0: // first page of everything (100 ARNs)
			return `{}`
		case 1: // one family, newest first
			return fmt.Sprintf(`{"familyPrefix":"family-%03d","sort":"DESC","maxResults":10}`, i%benchFamilies)
		default: // worst case: no INACTIVE revision, so all 10,000 rows are walked
			return `{"status":"INACTIVE"}`
		}
	})
}
