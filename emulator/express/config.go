package express

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// checkScaling validates a scalingTarget as given (nil is fine).
func checkScaling(t *ecs.ExpressGatewayScalingTarget) error {
	if t == nil {
		return nil
	}
	if t.AutoScalingMetric != "" && !enumMetric.Has(t.AutoScalingMetric) {
		return ecs.InvalidParameter("Invalid autoScalingMetric %s: valid values are %s.", t.AutoScalingMetric, enumMetric.List())
	}
	for _, c := range []struct {
		name string
		v    *int
	}{{"minTaskCount", t.MinTaskCount}, {"maxTaskCount", t.MaxTaskCount}} {
		if c.v != nil && (*c.v < 0 || *c.v > maxScalingTaskCounts) {
			return ecs.InvalidParameter("%s must be between 0 and %d.", c.name, maxScalingTaskCounts)
		}
	}
	if t.AutoScalingTargetValue != nil && *t.AutoScalingTargetValue <= 0 {
		return ecs.InvalidParameter("autoScalingTargetValue must be greater than 0.")
	}
	return nil
}

// withScalingDefaults fills in what ECS defaults: 1 to 20 tasks, average CPU at 60 %.
func withScalingDefaults(t *ecs.ExpressGatewayScalingTarget, old *ecs.ExpressGatewayScalingTarget) (*ecs.ExpressGatewayScalingTarget, error) {
	out := ecs.ExpressGatewayScalingTarget{MinTaskCount: ecs.Ptr(defaultMinTasks), MaxTaskCount: ecs.Ptr(defaultMaxTasks),
		AutoScalingMetric: defaultMetric, AutoScalingTargetValue: ecs.Ptr(defaultTargetValue)}
	if old != nil {
		out = *old
	}
	if t != nil {
		out.MinTaskCount = cmp.Or(t.MinTaskCount, out.MinTaskCount)
		out.MaxTaskCount = cmp.Or(t.MaxTaskCount, out.MaxTaskCount)
		out.AutoScalingMetric = cmp.Or(t.AutoScalingMetric, out.AutoScalingMetric)
		out.AutoScalingTargetValue = cmp.Or(t.AutoScalingTargetValue, out.AutoScalingTargetValue)
	}
	if *out.MinTaskCount > *out.MaxTaskCount {
		return nil, ecs.InvalidParameter("minTaskCount (%d) cannot be greater than maxTaskCount (%d).", *out.MinTaskCount, *out.MaxTaskCount)
	}
	return &out, nil
}

func checkContainer(c *ecs.ExpressGatewayContainer) error {
	if c == nil {
		return nil
	}
	if strings.TrimSpace(c.Image) == "" {
		return ecs.InvalidParameter("primaryContainer.image can not be blank.")
	}
	if c.ContainerPort != nil && (*c.ContainerPort < 1 || *c.ContainerPort > 65535) {
		return ecs.InvalidParameter("primaryContainer.containerPort must be between 1 and 65535.")
	}
	return nil
}

func checkHealthPath(p string) error {
	if p != "" && !strings.HasPrefix(p, "/") {
		return ecs.InvalidParameter("healthCheckPath must start with a forward slash (/).")
	}
	return nil
}

func checkArch(a string) error {
	if a != "" && !enumArch.Has(a) {
		return ecs.InvalidParameter("Invalid cpuArchitecture %s: valid values are %s.", a, enumArch.List())
	}
	return nil
}

// ownTaskDefConflict is the error for a taskDefinitionArn given with the members it
// replaces.
func ownTaskDefConflict() error {
	return ecs.InvalidParameter("You can't specify taskDefinitionArn together with primaryContainer, executionRoleArn, taskRoleArn, cpu, memory or cpuArchitecture.")
}

// taskDefinition is the task definition ECS registers for a configuration: Fargate,
// awsvpc, Linux, one essential container Main with one TCP port mapping.
func taskDefinition(family, region string, c *ecs.ExpressGatewayServiceConfiguration) *ecs.RegisterTaskDefinitionInput {
	pc := c.PrimaryContainer
	port := cmp.Or(ecs.Deref(pc.ContainerPort), defaultPort)
	cd := ecs.ContainerDefinition{Name: ecs.Ptr(mainContainer), Image: ecs.Ptr(pc.Image), Essential: ecs.Ptr(true),
		PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(port), Protocol: ecs.Ptr("tcp"), Name: ecs.Ptr(fmt.Sprintf("%d-tcp", port))}},
		Command:      pc.Command, Environment: pc.Environment, Secrets: pc.Secrets, RepositoryCredentials: pc.RepositoryCredentials}
	if cd.Environment == nil {
		cd.Environment = []ecs.KeyValuePair{}
	}
	if lc := pc.AwsLogsConfiguration; lc != nil && lc.LogGroup != "" {
		opts := map[string]string{"awslogs-group": lc.LogGroup, "awslogs-region": region}
		if lc.LogStreamPrefix != "" {
			opts["awslogs-stream-prefix"] = lc.LogStreamPrefix
		}
		cd.LogConfiguration = &ecs.LogConfiguration{LogDriver: "awslogs", Options: opts}
	}
	in := &ecs.RegisterTaskDefinitionInput{Family: family, NetworkMode: ecs.Ptr(ecs.NetworkAwsvpc),
		RequiresCompatibilities: []string{ecs.LaunchFargate}, Cpu: ecs.Ptr(c.Cpu), Memory: ecs.Ptr(c.Memory),
		RuntimePlatform:      &ecs.RuntimePlatform{CpuArchitecture: ecs.Ptr(c.CpuArchitecture), OperatingSystemFamily: ecs.Ptr("LINUX")},
		ContainerDefinitions: []ecs.ContainerDefinition{cd}}
	if c.ExecutionRoleArn != "" {
		in.ExecutionRoleArn = ecs.Ptr(c.ExecutionRoleArn)
	}
	if c.TaskRoleArn != "" {
		in.TaskRoleArn = ecs.Ptr(c.TaskRoleArn)
	}
	return in
}

// ownTaskDef checks a caller's task definition as ECS requires it for an Express
// service (a container Main with one TCP port mapping, FARGATE compatibility) and
// answers that container's port and the definition's size.
func (s *Services) ownTaskDef(out *ecs.TaskDefinitionOutput) (port int, cpu, memory string, err error) {
	var td struct {
		Cpu, Memory             string
		RequiresCompatibilities []string
		ContainerDefinitions    []ecs.ContainerDefinition
	}
	if err := json.Unmarshal(out.TaskDefinition, &td); err != nil {
		return 0, "", "", fmt.Errorf("task definition: %w", err)
	}
	fargate := false
	for _, c := range td.RequiresCompatibilities {
		fargate = fargate || c == ecs.LaunchFargate
	}
	if !fargate {
		return 0, "", "", ecs.InvalidParameter("The task definition must have FARGATE compatibility to be used by an Express service.")
	}
	for _, cd := range td.ContainerDefinitions {
		if ecs.Deref(cd.Name) != mainContainer {
			continue
		}
		if len(cd.PortMappings) != 1 || cd.PortMappings[0].ContainerPort == nil || cmp.Or(ecs.Deref(cd.PortMappings[0].Protocol), "tcp") != "tcp" {
			return 0, "", "", ecs.InvalidParameter("The container Main of the task definition must have a single TCP port mapping with a container port.")
		}
		return *cd.PortMappings[0].ContainerPort, td.Cpu, td.Memory, nil
	}
	return 0, "", "", ecs.InvalidParameter("The task definition must have a container named Main to be used by an Express service.")
}

// tgNameRE is what a target group name may not hold.
var tgNameRE = regexp.MustCompile(`[^A-Za-z0-9-]`)

// targetGroupARN is the target group ECS would make for a service: stable for a
// service ARN, so that a service re-created under its name gets its port back.
func targetGroupARN(region, account, serviceArn, name string) string {
	n := strings.Trim(tgNameRE.ReplaceAllString(name, "-"), "-")
	n = strings.TrimRight("ecs-express-"+n[:min(len(n), 20)], "-")
	return fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:targetgroup/%s/%016x", region, account, n, hash(serviceArn))
}

// resourceLabel is ALBRequestCountPerTarget's label for a target group.
func resourceLabel(tgArn string) string {
	_, tg, _ := strings.Cut(tgArn, ":targetgroup/")
	return fmt.Sprintf("app/ecs-express-gateway-alb/%016x/targetgroup/%s", hash(tgArn)>>1, tg)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// endpoint is where a target group's local load balancer answers.
func (s *Services) endpoint(tgArn string) string {
	return "http://localhost:" + strconv.Itoa(s.host.LoadBalancerPort(tgArn))
}

// generatedName names a service the caller left unnamed, after its image.
func generatedName(image string) string {
	base := image[strings.LastIndexByte(image, '/')+1:]
	base, _, _ = strings.Cut(base, ":")
	base, _, _ = strings.Cut(base, "@")
	base = strings.Trim(tgNameRE.ReplaceAllString(base, "-"), "-")
	if base == "" {
		base = "svc"
	}
	return fmt.Sprintf("%s-%s", base[:min(len(base), 40)], strings.ReplaceAll(ecs.NewUUID(), "-", "")[:8])
}
