package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestGatewayLifecycle: a gateway is created ACTIVE, described with its configuration,
// associated with clusters, protected from deletion until told otherwise, and deleted.
func TestGatewayLifecycle(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	cfg := &types.GatewayConfigurationMemberHostSharedAlb{Value: types.HostSharedAlbConfiguration{Scheme: types.GatewayElbSchemeInternal, Port: aws.Int32(443)}}
	created, err := e.ecs.CreateGateway(ctx(t), &sdkecs.CreateGatewayInput{Name: aws.String("gw"), Configuration: cfg,
		InfrastructureRoleArn: aws.String("arn:aws:iam::000000000000:role/infra")})
	if err != nil || aws.ToString(created.GatewayArn) != arn("gateway/gw") || created.Status != types.GatewayStatusActive {
		t.Fatalf("CreateGateway: %v %+v", err, created)
	}
	_, err = e.ecs.CreateGateway(ctx(t), &sdkecs.CreateGatewayInput{Name: aws.String("bad"), Configuration: cfg}, skipValidation)
	assertAPIError(t, err, "InvalidParameterException", "InfrastructureRoleArn can not be blank.")
	d, err := e.ecs.DescribeGateway(ctx(t), &sdkecs.DescribeGatewayInput{Gateway: aws.String("gw")})
	if err != nil {
		t.Fatal(err)
	}
	g := d.Gateway
	alb, ok := g.Configuration.(*types.DescribeGatewayConfigurationMemberHostSharedAlb)
	if !ok || aws.ToInt32(alb.Value.Port) != 443 || g.AccessType != types.AccessTypePrivate || !aws.ToBool(g.DeletionProtection) || g.PropagateTags != types.PropagateGatewayTagsGateway {
		t.Errorf("DescribeGateway: %+v configuration %#v", g, g.Configuration)
	}
	if _, err := e.ecs.AssociateGatewayWithCluster(ctx(t), &sdkecs.AssociateGatewayWithClusterInput{Gateway: aws.String("gw"), Cluster: aws.String("c1")}); err != nil {
		t.Fatal(err)
	}
	as, err := e.ecs.ListGatewayClusterAssociations(ctx(t), &sdkecs.ListGatewayClusterAssociationsInput{Cluster: aws.String("c1")})
	if err != nil || len(as.GatewayClusterAssociations) != 1 || aws.ToString(as.GatewayClusterAssociations[0].GatewayArn) != arn("gateway/gw") {
		t.Errorf("associations: %v %+v", err, as)
	}
	routes, err := e.ecs.ListGatewayRoutes(ctx(t), &sdkecs.ListGatewayRoutesInput{Gateway: aws.String("gw")})
	if err != nil || len(routes.GatewayRoutes) != 0 {
		t.Errorf("routes: %v %+v", err, routes)
	}
	_, err = e.ecs.DeleteGateway(ctx(t), &sdkecs.DeleteGatewayInput{Gateway: aws.String(arn("gateway/gw"))})
	assertAPIError(t, err, "InvalidParameterException", "The gateway gw has deletion protection turned on. Turn it off with UpdateGateway first.")
	if up, err := e.ecs.UpdateGateway(ctx(t), &sdkecs.UpdateGatewayInput{Gateway: aws.String("gw"), DeletionProtection: aws.Bool(false)}); err != nil || up.Status != types.GatewayStatusUpdateComplete {
		t.Fatalf("UpdateGateway: %v %+v", err, up)
	}
	_, err = e.ecs.DeleteGateway(ctx(t), &sdkecs.DeleteGatewayInput{Gateway: aws.String("gw")})
	assertAPIError(t, err, "InvalidParameterException", "The gateway gw is associated with 1 clusters. Disassociate them first.")
	if _, err := e.ecs.DisassociateGatewayFromCluster(ctx(t), &sdkecs.DisassociateGatewayFromClusterInput{Gateway: aws.String("gw"), Cluster: aws.String("c1")}); err != nil {
		t.Fatal(err)
	}
	del, err := e.ecs.DeleteGateway(ctx(t), &sdkecs.DeleteGatewayInput{Gateway: aws.String("gw")})
	if err != nil || del.Status != types.GatewayStatusDeleted {
		t.Fatalf("DeleteGateway: %v %+v", err, del)
	}
	list, err := e.ecs.ListGateways(ctx(t), &sdkecs.ListGatewaysInput{})
	if err != nil || len(list.Gateways) != 0 {
		t.Errorf("ListGateways after delete: %v %+v", err, list)
	}
	_, err = e.ecs.DescribeGateway(ctx(t), &sdkecs.DescribeGatewayInput{Gateway: aws.String("gw")})
	assertAPIError(t, err, "ResourceNotFoundException", "The gateway gw does not exist.")
}
