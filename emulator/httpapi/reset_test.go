package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
)

// TestResetForgetsEverything: moto's reset (a bare POST, as moto's client sends it)
// forgets clusters, services, tasks and task definitions, and the running tasks'
// containers go with them.
func TestResetForgetsEverything(t *testing.T) {
	for _, path := range []string{"/moto-api/reset", "/_ecsmini/reset"} {
		t.Run(path, func(t *testing.T) {
			e := newServiceEnv(t)
			e.createCluster(t, "c1")
			v1 := e.sxRegister(t, sxSimple("web"))
			e.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String("web"), TaskDefinition: aws.String(v1), DesiredCount: aws.Int32(2)})
			e.settle(t)
			if live, _ := e.rt.List(context.Background(), nil); len(live) < 2 {
				t.Fatalf("%d containers before the reset", len(live))
			}
			start := time.Now()
			resp, err := http.Post(e.srv.URL+path, "application/json", nil)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("POST %s: %s", path, resp.Status)
			}
			if took := time.Since(start); took > time.Second {
				t.Errorf("reset took %v", took)
			}
			e.settle(t)
			cl, err := e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{})
			if err != nil || len(cl.ClusterArns) != 0 {
				t.Errorf("clusters after reset: %v %v", err, cl.ClusterArns)
			}
			if live, _ := e.rt.List(context.Background(), nil); len(live) != 0 {
				t.Errorf("%d containers left after the reset", len(live))
			}
			e.createCluster(t, "c1")
			if v := e.sxRegister(t, sxSimple("web")); v != v1 {
				t.Errorf("first revision after the reset %s, want %s again", v, v1)
			}
			_, err = e.ecs.DescribeServices(ctx(t), &sdkecs.DescribeServicesInput{Cluster: aws.String("c1"), Services: []string{"web"}})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
