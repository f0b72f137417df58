package tasksetctl

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestComputed(t *testing.T) {
	for _, tc := range []struct {
		desired int
		scale   *ecs.Scale
		want    int
	}{
		{4, nil, 4},
		{4, &ecs.Scale{Value: 50}, 2},
		{4, &ecs.Scale{Value: 25}, 1},
		{3, &ecs.Scale{Value: 50}, 2}, // rounded up
		{1, &ecs.Scale{Value: 0.1}, 1},
		{5, &ecs.Scale{Value: 0}, 0},
		{0, &ecs.Scale{Value: 100}, 0},
	} {
		if got := Computed(tc.desired, tc.scale); got != tc.want {
			t.Errorf("Computed(%d, %+v) = %d, want %d", tc.desired, tc.scale, got, tc.want)
		}
	}
}

func TestChecks(t *testing.T) {
	ext := &ecs.DeploymentController{Type: ecs.ControllerExternal}
	cd := &ecs.DeploymentController{Type: ecs.ControllerCodeDeploy}
	lb := []ecs.LoadBalancer{{TargetGroupArn: "tg", ContainerName: "app", ContainerPort: ecs.Ptr(80)}}
	for _, tc := range []struct {
		name string
		err  error
		want string // "" for success
	}{
		{"scale above 100", CheckScale(&ecs.Scale{Value: 101, Unit: "PERCENT"}), "Scale value must be between 0 and 100."},
		{"scale unit", CheckScale(&ecs.Scale{Value: 1, Unit: "TASKS"}), "Invalid scale unit 'TASKS'. Valid values: [PERCENT]."},
		{"scale ok", CheckScale(&ecs.Scale{Value: 100, Unit: "PERCENT"}), ""},
		{"external alone", CheckService(&ecs.CreateServiceInput{DeploymentController: ext}), ""},
		{"external with td", CheckService(&ecs.CreateServiceInput{DeploymentController: ext, TaskDefinition: "web"}),
			"taskDefinition can not be specified for a service with the EXTERNAL deployment controller; specify it on the service's task sets."},
		{"external with lb", CheckService(&ecs.CreateServiceInput{DeploymentController: ext, LoadBalancers: lb}),
			"loadBalancers can not be specified for a service with the EXTERNAL deployment controller; specify it on the service's task sets."},
		{"daemon", CheckService(&ecs.CreateServiceInput{DeploymentController: ext, SchedulingStrategy: ecs.SchedulingDaemon}),
			"The EXTERNAL deployment controller does not support the DAEMON scheduling strategy."},
		{"code deploy without lb", CheckService(&ecs.CreateServiceInput{DeploymentController: cd, TaskDefinition: "web"}),
			"A load balancer is required for services with the CODE_DEPLOY deployment controller."},
		{"code deploy", CheckService(&ecs.CreateServiceInput{DeploymentController: cd, TaskDefinition: "web", LoadBalancers: lb}), ""},
		{"update external td", CheckUpdate(&ecs.Service{DeploymentController: ext}, &ecs.UpdateServiceInput{TaskDefinition: ecs.Ptr("web")}),
			"Unable to update task definition on services with a EXTERNAL deployment controller. Use task sets to change it."},
		{"update code deploy td", CheckUpdate(&ecs.Service{DeploymentController: cd}, &ecs.UpdateServiceInput{TaskDefinition: ecs.Ptr("web")}), ""},
		{"update code deploy network", CheckUpdate(&ecs.Service{DeploymentController: cd}, &ecs.UpdateServiceInput{NetworkConfiguration: &ecs.NetworkConfiguration{}}),
			"Unable to update network parameters on services with a CODE_DEPLOY deployment controller. Use AWS CodeDeploy to trigger a new deployment."},
		{"update desired", CheckUpdate(&ecs.Service{DeploymentController: ext}, &ecs.UpdateServiceInput{DesiredCount: ecs.Ptr(3)}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ""
			if tc.err != nil {
				got = tc.err.Error()
			}
			if tc.want == "" && tc.err != nil || tc.want != "" && (tc.err == nil || !strings.Contains(got, tc.want)) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
