package express

import (
	"cmp"
	"context"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func serviceNotFound() error { return ecs.Errorf(ecs.CodeServiceNotFound, "Service not found.") }

func serviceNotActive() error { return ecs.Errorf(ecs.CodeServiceNotActive, "Service was not ACTIVE.") }

// active finds an Express service that Update or Delete may act on.
func (s *Services) active(ctx context.Context, serviceArn string) (string, *Record, error) {
	k, r, err := s.find(ctx, serviceArn, serviceNotFound)
	if err != nil {
		return "", nil, err
	}
	svc, err := s.ecsService(ctx, r)
	if err != nil {
		return "", nil, err
	}
	if r.Deleted || svc == nil || svc.Status != ecs.ServiceActive {
		return "", nil, serviceNotActive()
	}
	return k, r, nil
}

// Update applies a new configuration: a new task definition revision (and a
// deployment) when the container, size, architecture or roles change, a deployment
// when the network changes, and the scaling target and policy when they change.
// Members left out keep their values.
func (s *Services) Update(ctx context.Context, in *ecs.UpdateExpressGatewayServiceInput) (*ecs.UpdateExpressGatewayServiceOutput, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	for _, err := range []error{checkContainer(in.PrimaryContainer), checkHealthPath(in.HealthCheckPath), checkArch(in.CpuArchitecture), checkScaling(in.ScalingTarget)} {
		if err != nil {
			return nil, err
		}
	}
	sizing := in.PrimaryContainer != nil || in.ExecutionRoleArn != "" || in.TaskRoleArn != "" || in.Cpu != "" || in.Memory != "" || in.CpuArchitecture != ""
	if in.TaskDefinitionArn != "" && sizing {
		return nil, ownTaskDefConflict()
	}
	k, r, err := s.active(ctx, in.ServiceArn)
	if err != nil {
		return nil, err
	}
	old := r.Configs[len(r.Configs)-1]
	cfg := old
	cfg.IngressPaths = nil
	cfg.HealthCheckPath = cmp.Or(in.HealthCheckPath, old.HealthCheckPath)
	if cfg.ScalingTarget, err = withScalingDefaults(in.ScalingTarget, old.ScalingTarget); err != nil {
		return nil, err
	}
	if in.NetworkConfiguration != nil {
		cfg.NetworkConfiguration = in.NetworkConfiguration
	}
	var port int
	switch {
	case in.TaskDefinitionArn != "":
		cfg.PrimaryContainer, cfg.ExecutionRoleArn, cfg.TaskRoleArn, cfg.CpuArchitecture = nil, "", "", ""
		if port, err = s.resolveTaskDef(ctx, s.st.RegionOf(r.ServiceArn), r.ServiceName, in.TaskDefinitionArn, &cfg); err != nil {
			return nil, err
		}
	case sizing && old.PrimaryContainer == nil:
		return nil, ecs.InvalidParameter("The service runs its own task definition: give primaryContainer with cpu, memory, cpuArchitecture or roles, or a new taskDefinitionArn.")
	case sizing:
		if in.PrimaryContainer != nil {
			pc := *in.PrimaryContainer
			pc.ContainerPort = ecs.Ptr(cmp.Or(ecs.Deref(pc.ContainerPort), defaultPort))
			cfg.PrimaryContainer = &pc
		}
		cfg.Cpu, cfg.Memory = cmp.Or(in.Cpu, old.Cpu), cmp.Or(in.Memory, old.Memory)
		cfg.CpuArchitecture = cmp.Or(in.CpuArchitecture, old.CpuArchitecture)
		cfg.ExecutionRoleArn, cfg.TaskRoleArn = cmp.Or(in.ExecutionRoleArn, old.ExecutionRoleArn), cmp.Or(in.TaskRoleArn, old.TaskRoleArn)
		if port, err = s.resolveTaskDef(ctx, s.st.RegionOf(r.ServiceArn), r.ServiceName, "", &cfg); err != nil {
			return nil, err
		}
	}
	upd := &ecs.UpdateServiceInput{Cluster: r.ClusterArn, Service: r.ServiceArn}
	deploy := false
	if cfg.TaskDefinitionArn != old.TaskDefinitionArn {
		upd.TaskDefinition = ecs.Ptr(cfg.TaskDefinitionArn)
		upd.LoadBalancers = []ecs.LoadBalancer{{TargetGroupArn: r.TargetGroupArn, ContainerName: mainContainer, ContainerPort: ecs.Ptr(port)}}
		deploy = true
	}
	if in.NetworkConfiguration != nil && !sameNetwork(in.NetworkConfiguration, old.NetworkConfiguration) {
		upd.NetworkConfiguration = network(cfg.NetworkConfiguration)
		deploy = true
	}
	if deploy {
		if _, err := s.host.UpdateService(ctx, upd); err != nil {
			return nil, err
		}
	}
	if in.ScalingTarget != nil {
		if err := s.scale(ctx, r, cfg.ScalingTarget); err != nil {
			return nil, err
		}
	}
	now := s.st.Clock.Now()
	cfg.CreatedAt = ecs.At(now)
	r.Configs = append(slices.Clone(r.Configs), cfg) // r shares the stored record's slice
	if n := len(r.Configs); n > maxConfigs {
		r.Configs = slices.Clone(r.Configs[n-maxConfigs:])
	}
	r.UpdatedAt = now
	if err := s.put(k, r); err != nil {
		return nil, err
	}
	live := s.live(r, cfg)
	return &ecs.UpdateExpressGatewayServiceOutput{Service: &ecs.UpdatedExpressGatewayService{Cluster: r.ClusterArn,
		ServiceName: r.ServiceName, ServiceArn: r.ServiceArn, Status: &ecs.ExpressGatewayServiceStatus{StatusCode: ecs.ExpressActive},
		TargetConfiguration: &live, CreatedAt: ecs.At(r.CreatedAt), UpdatedAt: ecs.At(now)}}, nil
}

func sameNetwork(a, b *ecs.ExpressGatewayServiceNetworkConfiguration) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.Subnets, b.Subnets) && slices.Equal(a.SecurityGroups, b.SecurityGroups)
}
