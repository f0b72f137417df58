package httpapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// CreateService's role comes back as roleArn; ECS refuses it without a load balancer
// and where the service-linked role is needed.
func TestCreateServiceRole(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	def := minimalTaskDef("web")
	def.ContainerDefinitions[0].PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}}
	must[*sdkecs.RegisterTaskDefinitionOutput](t)(e.ecs.RegisterTaskDefinition(ctx(t), def))
	lb := types.LoadBalancer{TargetGroupArn: aws.String(sxTG), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}
	for _, tc := range []struct {
		name, role string
		lbs        []types.LoadBalancer
		network    *types.NetworkConfiguration
		roleArn    string
		err        string
	}{
		{name: "by name", role: "ecsServiceRole", lbs: []types.LoadBalancer{lb}, roleArn: "arn:aws:iam::" + account + ":role/ecsServiceRole"},
		{name: "by path", role: "/team/ecs", lbs: []types.LoadBalancer{lb}, roleArn: "arn:aws:iam::" + account + ":role/team/ecs"},
		{name: "by ARN", role: "arn:aws:iam::" + account + ":role/x", lbs: []types.LoadBalancer{lb}, roleArn: "arn:aws:iam::" + account + ":role/x"},
		{name: "no load balancer", role: "ecsServiceRole", err: "A role was passed, but no load balancers were present."},
		{name: "two target groups", role: "ecsServiceRole", lbs: []types.LoadBalancer{lb, lb},
			err: "You cannot specify an IAM role for services that require a service linked role."},
	} {
		name := strings.ReplaceAll(tc.name, " ", "-")
		out, err := e.ecs.CreateService(ctx(t), &sdkecs.CreateServiceInput{Cluster: aws.String("c1"), ServiceName: aws.String(name),
			TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(0), Role: aws.String(tc.role), LoadBalancers: tc.lbs, NetworkConfiguration: tc.network})
		if tc.err != "" {
			assertAPIError(t, err, "InvalidParameterException", tc.err)
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := aws.ToString(out.Service.RoleArn); got != tc.roleArn {
			t.Errorf("%s: roleArn %q, want %q", tc.name, got, tc.roleArn)
		}
	}
}
