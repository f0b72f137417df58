package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
)

func appScalingClient(addr string) *aas.Client {
	return aas.New(aas.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
}

// TestUpServesAppScaling: `up` serves Application Auto Scaling on the ECS listener,
// runs it in its loop (a minimum above the desired count scales the service up) and
// keeps its targets across a restart.
func TestUpServesAppScaling(t *testing.T) {
	dir := t.TempDir()
	o := upOptions{stateDir: dir, runtime: "sim", region: "us-east-1"}
	dc := newDrivenClock()
	o.drive = dc.driver()
	addr, out, stop := startUp(t, o)
	if !strings.Contains(out.String(), "export AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING=http://"+addr) {
		t.Errorf("up does not print the Application Auto Scaling endpoint:\n%s", out)
	}
	if code, body := call(t, addr, "RegisterTaskDefinition", `{"family":"web","containerDefinitions":[{"name":"app","image":"busybox","memory":64}]}`); code != 200 {
		t.Fatalf("RegisterTaskDefinition: %d %v", code, body)
	}
	if code, body := call(t, addr, "CreateService", `{"serviceName":"web","taskDefinition":"web","desiredCount":1}`); code != 200 {
		t.Fatalf("CreateService: %d %v", code, body)
	}
	ctx := context.Background()
	if _, err := appScalingClient(addr).RegisterScalableTarget(ctx, &aas.RegisterScalableTargetInput{ServiceNamespace: types.ServiceNamespaceEcs,
		ResourceId: aws.String("service/default/web"), ScalableDimension: types.ScalableDimensionECSServiceDesiredCount,
		MinCapacity: aws.Int32(2), MaxCapacity: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	desired := func() float64 {
		_, body := call(t, addr, "DescribeServices", `{"services":["web"]}`)
		return body["services"].([]any)[0].(map[string]any)["desiredCount"].(float64)
	}
	if err := dc.settle(ctx); err != nil {
		t.Fatal(err)
	}
	if got := desired(); got != 2 {
		t.Fatalf("desired count %v, want the minimum 2", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	o.drive = newDrivenClock().driver()
	addr, _, _ = startUp(t, o)
	got, err := appScalingClient(addr).DescribeScalableTargets(ctx, &aas.DescribeScalableTargetsInput{ServiceNamespace: types.ServiceNamespaceEcs})
	if err != nil || len(got.ScalableTargets) != 1 || aws.ToInt32(got.ScalableTargets[0].MinCapacity) != 2 {
		t.Fatalf("after a restart: %+v %v", got, err)
	}
}
