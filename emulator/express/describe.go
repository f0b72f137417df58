package express

import (
	"context"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Describe answers an Express service by its ARN.
func (s *Services) Describe(ctx context.Context, in *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error) {
	for _, inc := range in.Include {
		if inc != "TAGS" {
			return nil, ecs.InvalidParameter("Invalid include %s: valid values are TAGS.", inc)
		}
	}
	_, r, err := s.find(ctx, in.ServiceArn, func() error {
		return ecs.Errorf(ecs.CodeResourceNotFound, "The Express service %s does not exist.", in.ServiceArn)
	})
	if err != nil {
		return nil, err
	}
	return s.describe(ctx, r, slices.Contains(in.Include, "TAGS"))
}

// describe shows a record with what its ECS service says now: the status, the
// current deployment, and as active configurations those whose task definition a
// deployment still runs (during a rolling update, the new and the old), newest first.
func (s *Services) describe(ctx context.Context, r *Record, tags bool) (*ecs.ExpressGatewayServiceOutput, error) {
	svc, err := s.ecsService(ctx, r)
	if err != nil {
		return nil, err
	}
	out := &ecs.ECSExpressGatewayService{Cluster: r.ClusterArn, ServiceName: r.ServiceName, ServiceArn: r.ServiceArn,
		InfrastructureRoleArn: r.InfrastructureRoleArn, CreatedAt: ecs.At(r.CreatedAt), UpdatedAt: ecs.At(r.UpdatedAt),
		Status: status(svc), ActiveConfigurations: []ecs.ExpressGatewayServiceConfiguration{}}
	if tags {
		out.Tags = append([]ecs.Tag{}, r.Tags...)
	}
	if svc == nil || svc.Status == ecs.ServiceInactive {
		return &ecs.ExpressGatewayServiceOutput{Service: out}, nil
	}
	running := map[string]bool{}
	for _, d := range svc.Deployments {
		if d.Status == "PRIMARY" {
			out.CurrentDeployment = d.ID
		}
		running[d.TaskDefinition] = true
	}
	for i := len(r.Configs) - 1; i >= 0; i-- { // newest first, one per task definition
		if c := r.Configs[i]; running[c.TaskDefinitionArn] {
			out.ActiveConfigurations = append(out.ActiveConfigurations, s.live(r, c))
			delete(running, c.TaskDefinitionArn)
		}
	}
	if len(out.ActiveConfigurations) == 0 && len(r.Configs) > 0 {
		out.ActiveConfigurations = append(out.ActiveConfigurations, s.live(r, r.Configs[len(r.Configs)-1]))
	}
	return &ecs.ExpressGatewayServiceOutput{Service: out}, nil
}

// live is a configuration with its ingress path where the load balancer listens now.
func (s *Services) live(r *Record, c ecs.ExpressGatewayServiceConfiguration) ecs.ExpressGatewayServiceConfiguration {
	c.IngressPaths = []ecs.IngressPathSummary{{AccessType: "PUBLIC", Endpoint: s.endpoint(r.TargetGroupArn)}}
	return c
}

// status is the Express status of an ECS service (nil: gone).
func status(svc *ecs.Service) *ecs.ExpressGatewayServiceStatus {
	switch {
	case svc == nil || svc.Status == ecs.ServiceInactive:
		return &ecs.ExpressGatewayServiceStatus{StatusCode: ecs.ExpressInactive}
	case svc.Status == ecs.ServiceDraining:
		return &ecs.ExpressGatewayServiceStatus{StatusCode: ecs.ExpressDraining}
	default:
		return &ecs.ExpressGatewayServiceStatus{StatusCode: ecs.ExpressActive}
	}
}
