package express

import (
	"context"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Delete removes an Express service: its scaling first (so that nothing scales a
// service being drained), then the ECS service, forced, which drains to INACTIVE and
// releases its local load balancer. The task definitions stay registered, as ECS
// leaves them.
func (s *Services) Delete(ctx context.Context, in *ecs.ExpressGatewayServiceRef) (*ecs.ExpressGatewayServiceOutput, error) {
	s.ops.Lock()
	defer s.ops.Unlock()
	k, r, err := s.active(ctx, in.ServiceArn)
	if err != nil {
		return nil, err
	}
	if sc := s.scalerOrNil(); sc != nil {
		_, err := sc.DeregisterScalableTarget(ctx, &appscaling.DeregisterScalableTargetInput{ServiceNamespace: appscaling.NamespaceECS,
			ResourceId: resourceID(r), ScalableDimension: appscaling.DimensionDesiredCount})
		if e, ok := ecs.AsError(err); err != nil && !(ok && e.Code == appscaling.CodeObjectNotFound) {
			return nil, fmt.Errorf("deregistering the scalable target %s: %w", resourceID(r), err)
		}
	}
	if _, err := s.host.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: r.ClusterArn, Service: r.ServiceArn, Force: ecs.Ptr(true)}); err != nil {
		return nil, err
	}
	r.Deleted, r.UpdatedAt = true, s.st.Clock.Now()
	if err := s.put(k, r); err != nil {
		return nil, err
	}
	return s.describe(ctx, r, false)
}
