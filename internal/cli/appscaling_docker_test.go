//go:build docker

package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestCPUTargetTrackingOnDocker runs a service whose task burns one CPU for a while
// (`ecsmini workload --burn-cpu`) on Docker: Application Auto Scaling reads the
// containers' Docker stats and scales the service out on a CPU target tracking policy,
// then back in once the load stops, with the emulator clock advanced a minute at a time
// (`ecsmini clock advance`) while real time lets the CPU be measured.
func TestCPUTargetTrackingOnDocker(t *testing.T) {
	image := buildWorkloadImage(t)
	d := startDockerUp(t, image, t.TempDir(), "scale-"+randomHex(t))
	client := aas.New(aas.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + d.addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	const burn = 75 * time.Second
	def := d.register(t, fargate("burner", d.workloadDef("app", "--burn-cpu", burn.String())))
	d.createService(t, "burner", def, 1)
	running := func(n int32) func(*types.Service) bool {
		return func(s *types.Service) bool { return s.DesiredCount == n && s.RunningCount == n }
	}
	d.waitService(t, "burner", "running", 60*time.Second, running(1))
	start := time.Now()

	id := aws.String("service/" + d.cluster + "/burner")
	dim := aastypes.ScalableDimensionECSServiceDesiredCount
	if _, err := client.RegisterScalableTarget(tctx(t, 10*time.Second), &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: id, ScalableDimension: dim, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutScalingPolicy(tctx(t, 10*time.Second), &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu25"),
		ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: id, ScalableDimension: dim, PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(25),
			ScaleOutCooldown: aws.Int32(60), ScaleInCooldown: aws.Int32(60),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization}}}); err != nil {
		t.Fatal(err)
	}
	minute := func() {
		t.Helper()
		time.Sleep(time.Second) // real time for the CPU counters to move
		var out, errOut bytes.Buffer
		if code := Main([]string{"clock", "advance", "1m", "--endpoint", "http://" + d.addr}, &out, &errOut); code != 0 {
			t.Fatalf("clock advance: exit %d %s", code, errOut.String())
		}
	}
	desired := func() int32 {
		s, err := d.describeService(tctx(t, 10*time.Second), "burner")
		if err != nil {
			t.Fatal(err)
		}
		return s.DesiredCount
	}
	// A loaded machine may give the task less than its quarter of a CPU: the target is
	// low (25 %), and a few more minutes are allowed for three datapoints above it.
	for i := 0; i < 8 && desired() != 3; i++ {
		minute()
	}
	if time.Since(start) > burn {
		t.Fatalf("the test took longer than the load lasts (%v)", time.Since(start))
	}
	d.waitService(t, "burner", "scaled out", 10*time.Second, func(s *types.Service) bool { return s.DesiredCount == 3 })
	if s := d.waitService(t, "burner", "scaled out and running", 60*time.Second, running(3)); s == nil {
		return
	}
	time.Sleep(burn + 2*time.Second) // the new tasks' load ends too
	// Fifteen low datapoints in a row scale in; a loaded machine may lose one (a task
	// not sampled in time), so up to thirty minutes are allowed.
	for i := 0; i < 30 && desired() != 1; i++ {
		minute()
	}
	if got := desired(); got != 1 {
		t.Fatalf("desired %d thirty minutes after the load stopped, want 1\n%s", got, d.out)
	}
	acts, err := client.DescribeScalingActivities(tctx(t, 10*time.Second), &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: id})
	if err != nil || len(acts.ScalingActivities) != 2 ||
		aws.ToString(acts.ScalingActivities[1].Description) != "Setting desired count to 3." || !strings.Contains(aws.ToString(acts.ScalingActivities[1].Cause), "AlarmHigh") ||
		aws.ToString(acts.ScalingActivities[0].Description) != "Setting desired count to 1." || !strings.Contains(aws.ToString(acts.ScalingActivities[0].Cause), "AlarmLow") {
		t.Fatalf("activities %+v %v", acts, err)
	}
}
