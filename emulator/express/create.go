package express

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

var serviceNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

// Create makes an Express service: its task definition (unless the caller brings one),
// the ECS service behind a local load balancer, then its scaling. Each step commits
// through the facade (journaled) and the scaling is kept by Application Auto Scaling
// (written before it answers); the Express record is written last, so a crash on the
// way leaves at most a service the caller was never told of, and nothing answered is
// lost.
func (s *Services) Create(ctx context.Context, in *ecs.CreateExpressGatewayServiceInput) (*ecs.ExpressGatewayServiceOutput, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	cfg, err := s.checkCreate(in)
	if err != nil {
		return nil, err
	}
	sc := s.st.Scope(ctx)
	name := in.ServiceName
	if name == "" {
		name = generatedName(cfg.PrimaryContainer.Image)
	}
	port, err := s.resolveTaskDef(ctx, sc.Region, name, in.TaskDefinitionArn, cfg)
	if err != nil {
		return nil, err
	}
	clusterName := in.Cluster
	if a, ok := ecs.ParseARN(in.Cluster); ok {
		clusterName = a.Path()
	}
	serviceArn := sc.ServiceARN(cmp.Or(clusterName, "default"), name)
	tg := targetGroupARN(sc.Region, sc.Account, serviceArn, name)
	out, err := s.host.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: in.Cluster, ServiceName: name, TaskDefinition: cfg.TaskDefinitionArn,
		DesiredCount: cfg.ScalingTarget.MinTaskCount, LaunchType: ecs.LaunchFargate,
		NetworkConfiguration: network(cfg.NetworkConfiguration),
		LoadBalancers:        []ecs.LoadBalancer{{TargetGroupArn: tg, ContainerName: mainContainer, ContainerPort: ecs.Ptr(port)}},
		DeploymentConfiguration: &ecs.DeploymentConfiguration{
			DeploymentCircuitBreaker: &ecs.DeploymentCircuitBreaker{Enable: true, Rollback: true}},
		Tags: in.Tags, PropagateTags: "SERVICE",
	})
	if err != nil {
		return nil, err
	}
	svc := out.Service
	now := s.st.Clock.Now()
	cfg.CreatedAt = ecs.At(now)
	cfg.IngressPaths = []ecs.IngressPathSummary{{AccessType: "PUBLIC", Endpoint: s.endpoint(tg)}}
	a, _ := ecs.ParseARN(svc.ClusterArn)
	r := &Record{ServiceArn: svc.ServiceArn, ServiceName: svc.ServiceName, ClusterArn: svc.ClusterArn, ClusterName: a.Path(),
		InfrastructureRoleArn: in.InfrastructureRoleArn, TargetGroupArn: tg, Tags: in.Tags, CreatedAt: now, UpdatedAt: now,
		Configs: []ecs.ExpressGatewayServiceConfiguration{*cfg}}
	k := key(sc.Region, r.ClusterName, r.ServiceName)
	var existing *Record
	s.st.Store.View(func() {
		if v, ok := s.table.Get(k); ok && !v.Deleted {
			existing = v
		}
	})
	if existing != nil {
		// CreateService answered the service it had already made for the same request.
		return s.describe(ctx, existing, true)
	}
	if err := s.scale(ctx, r, cfg.ScalingTarget); err != nil {
		return nil, err
	}
	if err := s.put(k, r); err != nil {
		return nil, err
	}
	return s.describe(ctx, r, true)
}

// checkCreate validates a create request and builds its configuration with ECS's
// defaults (the task definition ARN is filled in later).
func (s *Services) checkCreate(in *ecs.CreateExpressGatewayServiceInput) (*ecs.ExpressGatewayServiceConfiguration, error) {
	switch {
	case in.InfrastructureRoleArn == "":
		return nil, ecs.InvalidParameter("infrastructureRoleArn can not be blank.")
	case in.ServiceName != "" && !serviceNameRE.MatchString(in.ServiceName):
		return nil, ecs.InvalidParameter("Service name can have up to 255 characters: letters (uppercase and lowercase), numbers, underscores and hyphens.")
	case in.TaskDefinitionArn != "" && (in.PrimaryContainer != nil || in.ExecutionRoleArn != "" || in.TaskRoleArn != "" ||
		in.Cpu != "" || in.Memory != "" || in.CpuArchitecture != ""):
		return nil, ownTaskDefConflict()
	case in.TaskDefinitionArn == "" && in.PrimaryContainer == nil:
		return nil, ecs.InvalidParameter("primaryContainer can not be blank: specify primaryContainer or taskDefinitionArn.")
	}
	for _, err := range []error{checkContainer(in.PrimaryContainer), checkHealthPath(in.HealthCheckPath), checkArch(in.CpuArchitecture), checkScaling(in.ScalingTarget)} {
		if err != nil {
			return nil, err
		}
	}
	st, err := withScalingDefaults(in.ScalingTarget, nil)
	if err != nil {
		return nil, err
	}
	cfg := &ecs.ExpressGatewayServiceConfiguration{ExecutionRoleArn: in.ExecutionRoleArn, TaskRoleArn: in.TaskRoleArn,
		HealthCheckPath: cmp.Or(in.HealthCheckPath, defaultHealthPath), PrimaryContainer: in.PrimaryContainer,
		NetworkConfiguration: in.NetworkConfiguration, ScalingTarget: st}
	if in.TaskDefinitionArn == "" {
		cfg.Cpu, cfg.Memory = cmp.Or(in.Cpu, defaultCPU), cmp.Or(in.Memory, defaultMemory)
		cfg.CpuArchitecture = cmp.Or(in.CpuArchitecture, defaultArchitecture)
		pc := *in.PrimaryContainer
		pc.ContainerPort = ecs.Ptr(cmp.Or(ecs.Deref(pc.ContainerPort), defaultPort))
		cfg.PrimaryContainer = &pc
	}
	return cfg, nil
}

// resolveTaskDef registers the configuration's task definition, or checks the
// caller's, and fills in cfg's task definition ARN; it answers the container port.
func (s *Services) resolveTaskDef(ctx context.Context, region, family, own string, cfg *ecs.ExpressGatewayServiceConfiguration) (int, error) {
	if own != "" {
		out, err := s.host.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: own})
		if err != nil {
			return 0, err
		}
		port, cpu, memory, err := s.ownTaskDef(out)
		if err != nil {
			return 0, err
		}
		cfg.Cpu, cfg.Memory = cpu, memory
		cfg.TaskDefinitionArn, err = arnOf(out)
		return port, err
	}
	out, err := s.host.RegisterTaskDefinition(ctx, taskDefinition(family, region, cfg))
	if err != nil {
		return 0, err
	}
	cfg.TaskDefinitionArn, err = arnOf(out)
	return *cfg.PrimaryContainer.ContainerPort, err
}

func arnOf(out *ecs.TaskDefinitionOutput) (string, error) {
	var td struct {
		TaskDefinitionArn string `json:"taskDefinitionArn"`
	}
	if err := json.Unmarshal(out.TaskDefinition, &td); err != nil {
		return "", fmt.Errorf("task definition: %w", err)
	}
	return td.TaskDefinitionArn, nil
}

// network is the service's awsvpc configuration: the caller's, else the default VPC's
// subnet.
func network(n *ecs.ExpressGatewayServiceNetworkConfiguration) *ecs.NetworkConfiguration {
	c := &ecs.AwsVpcConfiguration{Subnets: []string{defaultSubnet}, AssignPublicIp: "ENABLED"}
	if n != nil {
		if len(n.Subnets) > 0 {
			c.Subnets = n.Subnets
		}
		c.SecurityGroups = n.SecurityGroups
	}
	return &ecs.NetworkConfiguration{AwsvpcConfiguration: c}
}

// scale registers the service's scalable target and its target tracking policy with
// Application Auto Scaling (when connected).
func (s *Services) scale(ctx context.Context, r *Record, t *ecs.ExpressGatewayScalingTarget) error {
	sc := s.scalerOrNil()
	if sc == nil {
		return nil
	}
	id := resourceID(r)
	_, err := sc.RegisterScalableTarget(ctx, &appscaling.RegisterScalableTargetInput{ServiceNamespace: appscaling.NamespaceECS,
		ResourceId: id, ScalableDimension: appscaling.DimensionDesiredCount, MinCapacity: t.MinTaskCount, MaxCapacity: t.MaxTaskCount})
	if err != nil {
		return fmt.Errorf("registering the scalable target %s: %w", id, err)
	}
	pm := &appscaling.PredefinedMetricSpecification{}
	switch t.AutoScalingMetric {
	case "AVERAGE_MEMORY":
		pm.PredefinedMetricType = appscaling.MetricMemory
	case "REQUEST_COUNT_PER_TARGET":
		pm.PredefinedMetricType, pm.ResourceLabel = appscaling.MetricRequests, resourceLabel(r.TargetGroupArn)
	default:
		pm.PredefinedMetricType = appscaling.MetricCPU
	}
	_, err = sc.PutScalingPolicy(ctx, &appscaling.PutScalingPolicyInput{PolicyName: scalingPolicyName, ServiceNamespace: appscaling.NamespaceECS,
		ResourceId: id, ScalableDimension: appscaling.DimensionDesiredCount, PolicyType: appscaling.PolicyTargetTracking,
		TargetTrackingScalingPolicyConfiguration: &appscaling.TargetTrackingScalingPolicyConfiguration{
			TargetValue: float64(*t.AutoScalingTargetValue), PredefinedMetricSpecification: pm}})
	if err != nil {
		return fmt.Errorf("putting the scaling policy of %s: %w", id, err)
	}
	return nil
}

func resourceID(r *Record) string { return "service/" + r.ClusterName + "/" + r.ServiceName }
