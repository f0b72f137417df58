package state

import (
	"context"
	"regexp"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const DefaultCluster = "default"

var ClusterNameRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,255}$`)

// ClusterKey resolves a cluster name or ARN ("" means default) to its store key and name.
func (s *State) ClusterKey(ctx context.Context, ref string) (k, name string, err error) {
	sc := s.Scope(ctx)
	name = ref
	if name == "" {
		name = DefaultCluster
	}
	if a, ok := ecs.ParseARN(ref); ok {
		switch {
		case a.Service != "ecs" || a.Kind() != "cluster":
			return "", "", ecs.InvalidParameter("%s is not a cluster ARN: want arn:aws:ecs:REGION:ACCOUNT:cluster/NAME, or the cluster's name.", ref)
		case !a.InAccount(sc.Account):
			return "", "", ecs.InvalidParameter("Cluster ARN %s names account %s; this ecsmini serves account %s (ecsmini up --account-id).", ref, a.Account, sc.Account)
		}
		sc.Region, name = a.Region, a.Path()
	}
	if !ClusterNameRE.MatchString(name) {
		return "", "", ecs.InvalidParameter("Cluster must match ^[a-zA-Z0-9\\-_]{1,255}$, but was %s", name)
	}
	return Key(sc.Region, name), name, nil
}

// ActiveCluster returns the ACTIVE cluster named by ref, or ClusterNotFoundException.
// ECS answers "The referenced cluster was inactive." for a deleted one it still keeps.
func (s *State) ActiveCluster(ctx context.Context, ref string) (string, *ecs.Cluster, error) {
	k, _, err := s.ClusterKey(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	c, ok := s.Clusters.Get(k)
	if !ok {
		return "", nil, ecs.ClusterNotFound()
	}
	if c.Status != ecs.ClusterActive {
		// A deleted cluster ECS still keeps: same exception, its own message.
		return "", nil, ecs.Errorf(ecs.CodeClusterNotFound, "The referenced cluster was inactive.")
	}
	return k, c, nil
}
