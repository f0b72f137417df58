package check

import (
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestLaunchType(t *testing.T) {
	for _, tt := range []struct {
		lt string
		ok bool
	}{{"", true}, {ecs.LaunchEC2, true}, {ecs.LaunchFargate, true}, {ecs.LaunchExternal, true}, {"LAMBDA", false}} {
		if err := LaunchType(tt.lt); (err == nil) != tt.ok {
			t.Errorf("LaunchType(%q) = %v, want ok %v", tt.lt, err, tt.ok)
		}
	}
}

// TestLaunch holds ECS's checks of a task definition against the launch type.
func TestLaunch(t *testing.T) {
	fargate := &ecs.TaskDefinition{Compatibilities: []string{ecs.LaunchEC2, ecs.LaunchFargate}, NetworkMode: ecs.Ptr(ecs.NetworkAwsvpc), Cpu: ecs.Ptr("256")}
	bridge := &ecs.TaskDefinition{Compatibilities: []string{ecs.LaunchEC2}, NetworkMode: ecs.Ptr(ecs.NetworkBridge)}
	big := &ecs.TaskDefinition{Compatibilities: []string{ecs.LaunchFargate}, NetworkMode: ecs.Ptr(ecs.NetworkAwsvpc), Cpu: ecs.Ptr("8192")}
	net := &ecs.NetworkConfiguration{AwsvpcConfiguration: &ecs.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}
	tests := []struct {
		name   string
		td     *ecs.TaskDefinition
		launch string
		in     ecs.RunTaskInput
		want   string // "" accepted, else part of the message
	}{
		{"Fargate with a network", fargate, ecs.LaunchFargate, ecs.RunTaskInput{NetworkConfiguration: net}, ""},
		{"incompatible launch type", bridge, ecs.LaunchFargate, ecs.RunTaskInput{}, "does not support launch_type FARGATE"},
		{"awsvpc without a network", fargate, ecs.LaunchFargate, ecs.RunTaskInput{}, "Network Configuration must be provided"},
		{"bridge with a network", bridge, ecs.LaunchEC2, ecs.RunTaskInput{NetworkConfiguration: net}, "not valid for the given networkMode"},
		{"EC2 with a platform version", bridge, ecs.LaunchEC2, ecs.RunTaskInput{PlatformVersion: "1.4.0"}, "platform version must be null"},
		{"unknown platform version", fargate, ecs.LaunchFargate, ecs.RunTaskInput{NetworkConfiguration: net, PlatformVersion: "9.9.9"}, "platform version does not exist"},
		{"16 vCPU on 1.3.0", big, ecs.LaunchFargate, ecs.RunTaskInput{NetworkConfiguration: net, PlatformVersion: "1.3.0"}, "1.4.0 or later"},
		{"ephemeral storage on EC2", bridge, ecs.LaunchEC2, ecs.RunTaskInput{Overrides: &ecs.TaskOverride{EphemeralStorage: &ecs.EphemeralStorage{SizeInGiB: 30}}}, "only supported for tasks on Fargate"},
		{"ephemeral storage too small", fargate, ecs.LaunchFargate, ecs.RunTaskInput{NetworkConfiguration: net, Overrides: &ecs.TaskOverride{EphemeralStorage: &ecs.EphemeralStorage{SizeInGiB: 20}}}, "between 21 and 200"},
	}
	for _, tt := range tests {
		err := Launch(tt.td, tt.launch, &tt.in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: Launch = %v, want %q", tt.name, err, tt.want)
		}
	}
}
