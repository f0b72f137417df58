package composeapply

import (
	"context"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/internal/composeimport"
	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// removeGone deletes the services an earlier import of this project created (they
// carry its project tag) that the plan no longer has: scaled to zero, then deleted.
func (a *applier) removeGone(ctx context.Context, plan *composeimport.Plan) ([]string, error) {
	services, err := a.projectServices(ctx, plan.Cluster, plan.Project)
	if err != nil {
		return nil, err
	}
	var gone []string
	for _, s := range services {
		name := tagValue(s.Tags, composeimport.ServiceTag)
		if p, ok := plan.Service(name); ok && p.Service != nil {
			continue
		}
		if err := a.deleteService(ctx, plan.Cluster, s.ServiceName); err != nil {
			return gone, fmt.Errorf("deleting service %s: %w", s.ServiceName, err)
		}
		a.logf("deleted service %s (no longer in the compose file)", s.ServiceName)
		gone = append(gone, s.ServiceName)
	}
	return gone, nil
}

func (a *applier) deleteService(ctx context.Context, cluster, name string) error {
	var out ecs.ServiceOutput
	if err := a.c.Call(ctx, "UpdateService", &ecs.UpdateServiceInput{Cluster: cluster, Service: name, DesiredCount: ecs.Ptr(0)}, &out); err != nil {
		return err
	}
	return a.c.Call(ctx, "DeleteService", &ecs.DeleteServiceInput{Cluster: cluster, Service: name, Force: ecs.Ptr(true)}, &out)
}

// projectServices are the cluster's ACTIVE services tagged with the project.
func (a *applier) projectServices(ctx context.Context, cluster, project string) ([]*ecs.Service, error) {
	var arns []string
	in := ecs.ListServicesInput{Cluster: cluster}
	for {
		var out ecs.ListServicesOutput
		if err := a.c.Call(ctx, "ListServices", &in, &out); err != nil {
			if ecsminiapi.IsCode(err, "ClusterNotFoundException") {
				return nil, nil
			}
			return nil, err
		}
		arns = append(arns, out.ServiceArns...)
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	var mine []*ecs.Service
	for len(arns) > 0 {
		n := min(len(arns), 10) // DescribeServices takes 10 at a time
		var out ecs.DescribeServicesOutput
		if err := a.c.Call(ctx, "DescribeServices", &ecs.DescribeServicesInput{Cluster: cluster, Services: arns[:n], Include: []string{"TAGS"}}, &out); err != nil {
			return nil, err
		}
		for _, s := range out.Services {
			if s.Status == "ACTIVE" && tagValue(s.Tags, composeimport.ProjectTag) == project {
				mine = append(mine, s)
			}
		}
		arns = arns[n:]
	}
	return mine, nil
}
