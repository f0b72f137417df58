// Package gateways holds the service gateway operations (CreateGateway and the rest)
// over the state, and the tables it owns: gateways and their cluster associations.
package gateways

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// Service gateways (CreateGateway and the rest). A gateway is a stored resource that
// clusters associate with; ECS builds its load balancers only once a service in an
// associated cluster routes through it, and ecsmini's services do not yet route through
// gateways, so a gateway manages no infrastructure and has no routes here.

// Gateways is the gateway operations and their tables.
type Gateways struct {
	st       *state.State
	gateways *store.Table[ecs.Gateway]
	clusters *store.Table[gatewayAssociation]
}

// New registers the gateway tables in st's store; call it before the store is opened.
func New(st *state.State) *Gateways {
	return &Gateways{st: st, gateways: store.NewTable[ecs.Gateway](st.Store, "gateways"),
		clusters: store.NewTable[gatewayAssociation](st.Store, "gatewayClusters")}
}

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// gatewayAssociation is one gateway's association with one cluster.
type gatewayAssociation struct {
	GatewayArn string `json:"gatewayArn"`
	ClusterArn string `json:"clusterArn"`
}

// maxGatewaysPerCluster is ECS's limit of gateways a cluster associates with.
const maxGatewaysPerCluster = 5

var gatewayStatuses = ecs.Enum{Shape: "GatewayStatus", Values: []string{"ACTIVE", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED", "DELETED"}}
var gatewayPropagateTags = ecs.Enum{Shape: "PropagateGatewayTags", Values: []string{"NONE", "GATEWAY"}}

// gatewayKey resolves a gateway name or ARN to its store key.
func (gw *Gateways) gatewayKey(ctx context.Context, ref string) (string, error) {
	sc := gw.st.Scope(ctx)
	name := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Service != "ecs" || a.Kind() != "gateway" || !a.InAccount(sc.Account) {
			return "", ecs.InvalidParameter("%s is not a gateway ARN of this account: want arn:aws:ecs:REGION:ACCOUNT:gateway/NAME, or the gateway's name.", ref)
		}
		sc.Region, name = a.Region, a.Path()
	}
	if name == "" {
		return "", ecs.InvalidParameter("Gateway can not be blank.")
	}
	return state.Key(sc.Region, name), nil
}

func (gw *Gateways) findGateway(ctx context.Context, ref string) (string, *ecs.Gateway, error) {
	k, err := gw.gatewayKey(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	g, ok := gw.gateways.Get(k)
	if !ok {
		return "", nil, ecs.Errorf(ecs.CodeResourceNotFound, "The gateway %s does not exist.", ref)
	}
	return k, g, nil
}

// checkGatewayConfiguration requires exactly one member of the configuration union.
func checkGatewayConfiguration(raw json.RawMessage, required bool) (access string, err error) {
	if len(raw) == 0 {
		if required {
			return "", ecs.InvalidParameter("Configuration can not be blank.")
		}
		return "", nil
	}
	var union map[string]json.RawMessage
	if json.Unmarshal(raw, &union) != nil || len(union) != 1 {
		return "", ecs.InvalidParameter("Exactly one gateway configuration type must be set.")
	}
	alb, ok := union["hostSharedAlb"]
	if !ok {
		return "", ecs.InvalidParameter("Exactly one gateway configuration type must be set: hostSharedAlb.")
	}
	var c struct {
		Scheme string `json:"scheme"`
	}
	if err := json.Unmarshal(alb, &c); err != nil {
		return "", ecs.InvalidParameter("Invalid hostSharedAlb configuration.")
	}
	switch c.Scheme {
	case "internal":
		return "PRIVATE", nil
	case "", "internet-facing":
		return "PUBLIC", nil
	}
	return "", ecs.InvalidParameter("Invalid scheme '%s'. Valid values: internet-facing, internal.", c.Scheme)
}

// CreateGateway creates an ACTIVE gateway. Creating the same name again with the same
// client token answers with the existing gateway.
func (gw *Gateways) CreateGateway(ctx context.Context, in *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error) {
	var problems []string
	if in.Name == "" {
		problems = append(problems, "Name can not be blank.")
	} else if !nameRE.MatchString(in.Name) {
		problems = append(problems, "Name must match ^[a-zA-Z0-9_-]{1,255}$.")
	}
	if in.InfrastructureRoleArn == "" {
		problems = append(problems, "InfrastructureRoleArn can not be blank.")
	}
	access, err := checkGatewayConfiguration(in.Configuration, true)
	if err != nil {
		problems = append(problems, err.(*ecs.Error).Message)
	}
	if in.PropagateTags != "" && !gatewayPropagateTags.Has(in.PropagateTags) {
		problems = append(problems, "Invalid propagateTags '"+in.PropagateTags+"'. Valid values: "+gatewayPropagateTags.List()+".")
	}
	if len(problems) > 0 {
		return nil, ecs.InvalidParameter("%s", strings.Join(problems, " "))
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	sc := gw.st.Scope(ctx)
	var out *ecs.GatewayStatusOutput
	err = gw.st.Store.Update(func(tx *store.Tx) error {
		k := state.Key(sc.Region, in.Name)
		if g, ok := gw.gateways.Get(k); ok {
			return ecs.InvalidParameter("A gateway named %s already exists (%s).", in.Name, g.GatewayArn)
		}
		now := ecs.At(gw.st.Clock.Now())
		g := &ecs.Gateway{GatewayArn: sc.GatewayARN(in.Name), Name: in.Name, AccessType: access, Configuration: in.Configuration,
			CreatedAt: now, UpdatedAt: now, DeletionProtection: in.DeletionProtection == nil || *in.DeletionProtection,
			InfrastructureRoleArn: in.InfrastructureRoleArn, PropagateTags: in.PropagateTags, Status: ecs.GatewayActive, Tags: in.Tags}
		if g.PropagateTags == "" {
			g.PropagateTags = "GATEWAY"
		}
		gw.gateways.Put(tx, k, g)
		out = &ecs.GatewayStatusOutput{GatewayArn: g.GatewayArn, Name: g.Name, Status: g.Status}
		return nil
	})
	return out, err
}

// DescribeGateway describes one gateway.
func (gw *Gateways) DescribeGateway(ctx context.Context, in *ecs.GatewayRef) (*ecs.DescribeGatewayOutput, error) {
	var out *ecs.DescribeGatewayOutput
	var err error
	gw.st.Store.View(func() {
		var g *ecs.Gateway
		if _, g, err = gw.findGateway(ctx, in.Gateway); err == nil {
			c := *g
			out = &ecs.DescribeGatewayOutput{Gateway: &c}
		}
	})
	return out, err
}

// UpdateGateway changes a gateway's configuration, role, deletion protection or tag
// propagation. With no infrastructure to change, the update completes at once.
func (gw *Gateways) UpdateGateway(ctx context.Context, in *ecs.GatewayInput) (*ecs.GatewayStatusOutput, error) {
	access, err := checkGatewayConfiguration(in.Configuration, false)
	if err != nil {
		return nil, err
	}
	if in.PropagateTags != "" && !gatewayPropagateTags.Has(in.PropagateTags) {
		return nil, ecs.InvalidParameter("Invalid propagateTags '%s'. Valid values: %s.", in.PropagateTags, gatewayPropagateTags.List())
	}
	var out *ecs.GatewayStatusOutput
	err = gw.st.Store.Update(func(tx *store.Tx) error {
		k, old, err := gw.findGateway(ctx, in.Gateway)
		if err != nil {
			return err
		}
		g := *old
		if len(in.Configuration) > 0 {
			g.Configuration, g.AccessType = in.Configuration, access
		}
		if in.InfrastructureRoleArn != "" {
			g.InfrastructureRoleArn = in.InfrastructureRoleArn
		}
		if in.DeletionProtection != nil {
			g.DeletionProtection = *in.DeletionProtection
		}
		if in.PropagateTags != "" {
			g.PropagateTags = in.PropagateTags
		}
		g.Status, g.UpdatedAt = ecs.GatewayUpdateComplete, ecs.At(gw.st.Clock.Now())
		gw.gateways.Put(tx, k, &g)
		out = &ecs.GatewayStatusOutput{GatewayArn: g.GatewayArn, Name: g.Name, Status: g.Status}
		return nil
	})
	return out, err
}

// DeleteGateway deletes a gateway that has no deletion protection and no cluster
// associations.
func (gw *Gateways) DeleteGateway(ctx context.Context, in *ecs.GatewayRef) (*ecs.GatewayStatusOutput, error) {
	var out *ecs.GatewayStatusOutput
	err := gw.st.Store.Update(func(tx *store.Tx) error {
		k, g, err := gw.findGateway(ctx, in.Gateway)
		if err != nil {
			return err
		}
		if g.DeletionProtection {
			return ecs.InvalidParameter("The gateway %s has deletion protection turned on. Turn it off with UpdateGateway first.", g.Name)
		}
		if n := len(gw.gatewayAssociations(k)); n > 0 {
			return ecs.InvalidParameter("The gateway %s is associated with %d clusters. Disassociate them first.", g.Name, n)
		}
		gw.gateways.Delete(tx, k)
		out = &ecs.GatewayStatusOutput{GatewayArn: g.GatewayArn, Name: g.Name, Status: ecs.GatewayDeleted}
		return nil
	})
	return out, err
}

// ListGateways lists the Region's gateways by name, filtered by names and status.
func (gw *Gateways) ListGateways(ctx context.Context, in *ecs.ListGatewaysInput) (*ecs.ListGatewaysOutput, error) {
	for _, s := range in.Status {
		if !gatewayStatuses.Has(s) {
			return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", s, gatewayStatuses.List())
		}
	}
	prefix := gw.st.Scope(ctx).Region + "\x00"
	p, err := paging.New(in.ListInput, prefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListGatewaysOutput{Gateways: []ecs.GatewaySummary{}}
	gw.st.Store.View(func() {
		gs, next := paging.List(gw.gateways, p, prefix, false, func(_ string, g *ecs.Gateway) bool {
			return (len(in.Names) == 0 || slices.Contains(in.Names, g.Name)) && (len(in.Status) == 0 || slices.Contains(in.Status, g.Status))
		})
		for _, g := range gs {
			out.Gateways = append(out.Gateways, ecs.GatewaySummary{GatewayArn: g.GatewayArn, Name: g.Name, Status: g.Status, CreatedAt: g.CreatedAt})
		}
		out.NextToken = next
	})
	return out, nil
}

// gatewayAssociations lists the association keys of a gateway. It must run inside a
// store View or Update.
func (gw *Gateways) gatewayAssociations(gatewayKey string) []string {
	var keys []string
	prefix := gatewayKey + "\x00"
	gw.clusters.Ascend(prefix, func(k string, _ *gatewayAssociation) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		keys = append(keys, k)
		return true
	})
	return keys
}

// AssociateGatewayWithCluster lets services of the cluster use the gateway; a cluster
// associates with up to five gateways.
func (gw *Gateways) AssociateGatewayWithCluster(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error) {
	var out *ecs.GatewayClusterAssociation
	err := gw.st.Store.Update(func(tx *store.Tx) error {
		gk, g, err := gw.findGateway(ctx, in.Gateway)
		if err != nil {
			return err
		}
		_, c, err := gw.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		ak := gk + "\x00" + c.ClusterName
		if _, ok := gw.clusters.Get(ak); !ok {
			n := 0
			gw.clusters.Ascend("", func(_ string, a *gatewayAssociation) bool {
				if a.ClusterArn == c.ClusterArn {
					n++
				}
				return true
			})
			if n >= maxGatewaysPerCluster {
				return ecs.Errorf(ecs.CodeLimitExceeded, "The cluster %s is already associated with %d gateways, the most a cluster can be.", c.ClusterName, n)
			}
			gw.clusters.Put(tx, ak, &gatewayAssociation{GatewayArn: g.GatewayArn, ClusterArn: c.ClusterArn})
		}
		out = &ecs.GatewayClusterAssociation{ClusterArn: c.ClusterArn, GatewayArn: g.GatewayArn, Status: ecs.AssociationActive}
		return nil
	})
	return out, err
}

// DisassociateGatewayFromCluster ends an association; with no routes to remove it
// ends at once (the answer says DISASSOCIATING, as ECS's does).
func (gw *Gateways) DisassociateGatewayFromCluster(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.GatewayClusterAssociation, error) {
	var out *ecs.GatewayClusterAssociation
	err := gw.st.Store.Update(func(tx *store.Tx) error {
		gk, g, err := gw.findGateway(ctx, in.Gateway)
		if err != nil {
			return err
		}
		ck, name, err := gw.st.ClusterKey(ctx, in.Cluster)
		if err != nil {
			return err
		}
		ak := gk + "\x00" + name
		a, ok := gw.clusters.Get(ak)
		if !ok {
			return ecs.Errorf(ecs.CodeResourceNotFound, "The gateway %s is not associated with the cluster %s.", g.Name, state.LastPart(ck))
		}
		gw.clusters.Delete(tx, ak)
		out = &ecs.GatewayClusterAssociation{ClusterArn: a.ClusterArn, GatewayArn: g.GatewayArn, Status: ecs.AssociationDisassoc}
		return nil
	})
	return out, err
}

// ListGatewayClusterAssociations lists the associations of a gateway, or of a cluster.
func (gw *Gateways) ListGatewayClusterAssociations(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.ListGatewayClusterAssociationsOutput, error) {
	if in.Gateway == "" && in.Cluster == "" {
		return nil, ecs.InvalidParameter("Specify a gateway or a cluster.")
	}
	for _, s := range in.Status {
		if s != "ACTIVE" && s != "DISASSOCIATING" && s != "INACTIVE" {
			return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: ACTIVE, DISASSOCIATING, INACTIVE.", s)
		}
	}
	prefix := gw.st.Scope(ctx).Region + "\x00"
	var err error
	out := &ecs.ListGatewayClusterAssociationsOutput{GatewayClusterAssociations: []ecs.GatewayClusterAssociation{}}
	gw.st.Store.View(func() {
		var clusterArn string
		if in.Gateway != "" {
			var gk string
			if gk, _, err = gw.findGateway(ctx, in.Gateway); err != nil {
				return
			}
			prefix = gk + "\x00"
		}
		if in.Cluster != "" {
			var c *ecs.Cluster
			if _, c, err = gw.st.ActiveCluster(ctx, in.Cluster); err != nil {
				return
			}
			clusterArn = c.ClusterArn
		}
		var p paging.Page
		if p, err = paging.New(in.ListInput, prefix, 100, 100); err != nil {
			return
		}
		as, next := paging.List(gw.clusters, p, prefix, false, func(_ string, a *gatewayAssociation) bool {
			return (clusterArn == "" || a.ClusterArn == clusterArn) && (len(in.Status) == 0 || slices.Contains(in.Status, ecs.AssociationActive))
		})
		for _, a := range as {
			out.GatewayClusterAssociations = append(out.GatewayClusterAssociations,
				ecs.GatewayClusterAssociation{ClusterArn: a.ClusterArn, GatewayArn: a.GatewayArn, Status: ecs.AssociationActive})
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListGatewayRoutes lists the routes of a gateway or cluster: none, as no ecsmini
// service routes through a gateway.
func (gw *Gateways) ListGatewayRoutes(ctx context.Context, in *ecs.GatewayClusterInput) (*ecs.ListGatewayRoutesOutput, error) {
	var err error
	gw.st.Store.View(func() {
		if in.Gateway != "" {
			if _, _, err = gw.findGateway(ctx, in.Gateway); err != nil {
				return
			}
		}
		if in.Cluster != "" {
			_, _, err = gw.st.ActiveCluster(ctx, in.Cluster)
		}
	})
	if err != nil {
		return nil, err
	}
	return &ecs.ListGatewayRoutesOutput{GatewayRoutes: []struct{}{}}, nil
}

// DescribeGatewayRoute describes a gateway route; there are none to describe.
func (gw *Gateways) DescribeGatewayRoute(_ context.Context, in *ecs.GatewayRouteRef) (*ecs.GatewayRouteOutput, error) {
	if in.GatewayRouteArn == "" {
		return nil, ecs.InvalidParameter("GatewayRouteArn can not be blank.")
	}
	return nil, ecs.Errorf(ecs.CodeResourceNotFound, "The gateway route %s does not exist.", in.GatewayRouteArn)
}

// DescribeGatewayResources lists the infrastructure a gateway manages: none until a
// service routes through it.
func (gw *Gateways) DescribeGatewayResources(ctx context.Context, in *ecs.GatewayRef) (*ecs.DescribeGatewayResourcesOutput, error) {
	var out *ecs.DescribeGatewayResourcesOutput
	var err error
	gw.st.Store.View(func() {
		var g *ecs.Gateway
		if _, g, err = gw.findGateway(ctx, in.Gateway); err == nil {
			out = &ecs.DescribeGatewayResourcesOutput{GatewayResources: &ecs.GatewayResources{GatewayArn: g.GatewayArn, Resources: json.RawMessage(`{}`)}}
		}
	})
	return out, err
}
