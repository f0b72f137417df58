package servicedefs

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestRole(t *testing.T) {
	lb := ecs.LoadBalancer{LoadBalancerName: "classic", ContainerName: "web", ContainerPort: ecs.Ptr(80)}
	tests := []struct {
		name string
		in   ecs.CreateServiceInput
		want string // "" accepted, else part of the message
	}{
		{"no role", ecs.CreateServiceInput{}, ""},
		{"role with a classic load balancer", ecs.CreateServiceInput{Role: "ecsServiceRole", LoadBalancers: []ecs.LoadBalancer{lb}}, ""},
		{"role without a load balancer", ecs.CreateServiceInput{Role: "r"}, "no load balancers"},
		{"role with several target groups", ecs.CreateServiceInput{Role: "r", LoadBalancers: []ecs.LoadBalancer{lb, lb}}, "service linked role"},
	}
	for _, tt := range tests {
		err := Role(&tt.in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Role = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestRoleARN(t *testing.T) {
	sc := ecs.Scope{Region: "us-east-1", Account: "123456789012"}
	for _, tt := range []struct{ role, want string }{
		{"ecsServiceRole", "arn:aws:iam::123456789012:role/ecsServiceRole"},
		{"/path/r", "arn:aws:iam::123456789012:role/path/r"},
		{"arn:aws:iam::1:role/x", "arn:aws:iam::1:role/x"},
	} {
		if got := RoleARN(sc, tt.role); got != tt.want {
			t.Errorf("RoleARN(%q) = %q, want %q", tt.role, got, tt.want)
		}
	}
}

func TestExternalRefusal(t *testing.T) {
	tests := []struct {
		name   string
		launch string
		in     ecs.CreateServiceInput
		want   string
	}{
		{"EC2 service with a load balancer", ecs.LaunchEC2, ecs.CreateServiceInput{LoadBalancers: []ecs.LoadBalancer{{}}}, ""},
		{"plain EXTERNAL service", ecs.LaunchExternal, ecs.CreateServiceInput{}, ""},
		{"EXTERNAL with a load balancer", ecs.LaunchExternal, ecs.CreateServiceInput{LoadBalancers: []ecs.LoadBalancer{{}}}, "Load balancers"},
		{"EXTERNAL with service discovery", ecs.LaunchExternal, ecs.CreateServiceInput{ServiceRegistries: []ecs.ServiceRegistry{{}}}, "Service discovery"},
		{"EXTERNAL with Service Connect", ecs.LaunchExternal, ecs.CreateServiceInput{ServiceConnectConfiguration: json.RawMessage(`{"enabled":true}`)}, "Service Connect"},
		{"EXTERNAL with Service Connect null", ecs.LaunchExternal, ecs.CreateServiceInput{ServiceConnectConfiguration: json.RawMessage(` null `)}, ""},
	}
	for _, tt := range tests {
		in := tt.in
		in.LaunchType = tt.launch
		err := ExternalService(&in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: ExternalService = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestVolumeConfigurations(t *testing.T) {
	td := &ecs.TaskDefinition{TaskDefinitionArn: "web:1", Volumes: []ecs.Volume{{Name: ecs.Ptr("data"), ConfiguredAtLaunch: ecs.Ptr(true)}}}
	tests := []struct{ name, raw, want string }{
		{"none", ``, ""},
		{"managed EBS volume", `[{"name":"data","managedEBSVolume":{"roleArn":"arn:aws:iam::1:role/ebs"}}]`, ""},
		{"not configured at launch", `[{"name":"logs","managedEBSVolume":{"roleArn":"r"}}]`, "configuredAtLaunch"},
		{"no roleArn", `[{"name":"data","managedEBSVolume":{}}]`, "roleArn"},
		{"no managedEBSVolume", `[{"name":"data"}]`, "managedEBSVolume"},
		{"two", `[{"name":"data"},{"name":"data"}]`, "at most 1"},
		{"not a list", `{}`, "must be a list"},
	}
	for _, tt := range tests {
		err := VolumeConfigurations(td, json.RawMessage(tt.raw))
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: VolumeConfigurations = %v, want %q", tt.name, err, tt.want)
		}
	}
	if NoVolumes(json.RawMessage(`[]`)) != nil || NoVolumes(json.RawMessage(`null`)) != nil {
		t.Error("NoVolumes: an empty list or null is no volume configurations")
	}
}

func TestCreateInput(t *testing.T) {
	ok := func() ecs.CreateServiceInput {
		return ecs.CreateServiceInput{ServiceName: "web", TaskDefinition: "web:1", DesiredCount: ecs.Ptr(2)}
	}
	with := func(f func(*ecs.CreateServiceInput)) ecs.CreateServiceInput { in := ok(); f(&in); return in }
	tests := []struct {
		name string
		in   ecs.CreateServiceInput
		want string
	}{
		{"plain replica service", ok(), ""},
		{"blank name", with(func(in *ecs.CreateServiceInput) { in.ServiceName = "" }), "can not be blank"},
		{"bad name", with(func(in *ecs.CreateServiceInput) { in.ServiceName = "a b" }), "up to 255 characters"},
		{"replica without desiredCount", with(func(in *ecs.CreateServiceInput) { in.DesiredCount = nil }), "desiredCount parameter is required"},
		{"too many tasks", with(func(in *ecs.CreateServiceInput) { in.DesiredCount = ecs.Ptr(MaxTasks + 1) }), "between 0 and 5000"},
		{"DAEMON on Fargate", with(func(in *ecs.CreateServiceInput) {
			in.SchedulingStrategy, in.LaunchType = ecs.SchedulingDaemon, ecs.LaunchFargate
		}), "DAEMON scheduling strategy is not supported"},
		{"CODE_DEPLOY controller", with(func(in *ecs.CreateServiceInput) {
			in.DeploymentController = &ecs.DeploymentController{Type: ecs.ControllerCodeDeploy}
		}), "ECS deployment controller only"},
		{"maximumPercent below 100", with(func(in *ecs.CreateServiceInput) {
			in.DeploymentConfiguration = &ecs.DeploymentConfiguration{MinimumHealthyPercent: ecs.Ptr(50), MaximumPercent: ecs.Ptr(90)}
		}), "at least 100"},
		{"placement on Fargate", with(func(in *ecs.CreateServiceInput) {
			in.LaunchType, in.PlacementStrategy = ecs.LaunchFargate, []ecs.PlacementStrategy{{Type: "random"}}
		}), "not supported with the FARGATE launch type"},
	}
	for _, tt := range tests {
		err := CreateInput(&tt.in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: CreateInput = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestUpdateInput(t *testing.T) {
	tests := []struct {
		name string
		in   ecs.UpdateServiceInput
		want string
	}{
		{"desired count", ecs.UpdateServiceInput{Service: "web", DesiredCount: ecs.Ptr(3)}, ""},
		{"blank service", ecs.UpdateServiceInput{}, "Service can not be blank"},
		{"negative count", ecs.UpdateServiceInput{Service: "web", DesiredCount: ecs.Ptr(-1)}, "between 0 and 5000"},
		{"bad rebalancing", ecs.UpdateServiceInput{Service: "web", AvailabilityZoneRebalancing: ecs.Ptr("SOMETIMES")}, "availabilityZoneRebalancing"},
	}
	for _, tt := range tests {
		err := UpdateInput(&tt.in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: UpdateInput = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestDeploymentConfig(t *testing.T) {
	for _, tt := range []struct {
		scheduling string
		lo, hi     int
	}{{ecs.SchedulingReplica, 100, 200}, {ecs.SchedulingDaemon, 0, 100}} {
		dc := DeploymentConfig(nil, tt.scheduling)
		if *dc.MinimumHealthyPercent != tt.lo || *dc.MaximumPercent != tt.hi || dc.DeploymentCircuitBreaker == nil {
			t.Errorf("%s: DeploymentConfig = %d/%d, want %d/%d with a circuit breaker", tt.scheduling, *dc.MinimumHealthyPercent, *dc.MaximumPercent, tt.lo, tt.hi)
		}
	}
	if Fingerprint(&ecs.CreateServiceInput{ServiceName: "a", ClientToken: "x"}) != Fingerprint(&ecs.CreateServiceInput{ServiceName: "a", ClientToken: "y"}) {
		t.Error("Fingerprint: the client token is not part of the request")
	}
}
