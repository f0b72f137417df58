package ecs

import "encoding/json"

// Gateway is an ECS service gateway as DescribeGateway returns it. Its configuration
// is the model's union (one member, e.g. hostSharedAlb), kept as the client sent it.
type Gateway struct {
	GatewayArn            string          `json:"gatewayArn"`
	Name                  string          `json:"name"`
	AccessType            string          `json:"accessType,omitempty"`
	Configuration         json.RawMessage `json:"configuration,omitempty"`
	CreatedAt             *Timestamp      `json:"createdAt,omitempty"`
	UpdatedAt             *Timestamp      `json:"updatedAt,omitempty"`
	DeletionProtection    bool            `json:"deletionProtection"`
	InfrastructureRoleArn string          `json:"infrastructureRoleArn,omitempty"`
	PropagateTags         string          `json:"propagateTags,omitempty"`
	Status                string          `json:"status"`
	StatusReason          string          `json:"statusReason,omitempty"`
	Tags                  []Tag           `json:"tags,omitempty"`
}

// GatewayInput is the CreateGateway and UpdateGateway request.
type GatewayInput struct {
	Name                  string          `json:"name,omitempty"`
	Gateway               string          `json:"gateway,omitempty"`
	Configuration         json.RawMessage `json:"configuration,omitempty"`
	InfrastructureRoleArn string          `json:"infrastructureRoleArn,omitempty"`
	DeletionProtection    *bool           `json:"deletionProtection,omitempty"`
	PropagateTags         string          `json:"propagateTags,omitempty"`
	Tags                  []Tag           `json:"tags,omitempty"`
	ClientToken           string          `json:"clientToken,omitempty"`
}

// GatewayRef names a gateway (DescribeGateway, DeleteGateway, DescribeGatewayResources).
type GatewayRef struct {
	Gateway string `json:"gateway"`
	ListInput
}

// GatewayStatusOutput is the Create/Update/DeleteGateway response.
type GatewayStatusOutput struct {
	GatewayArn string `json:"gatewayArn"`
	Name       string `json:"name"`
	Status     string `json:"status"`
}

// DescribeGatewayOutput is the DescribeGateway response.
type DescribeGatewayOutput struct {
	Gateway *Gateway `json:"gateway"`
}

// ListGatewaysInput is the ListGateways request.
type ListGatewaysInput struct {
	Names  []string `json:"names,omitempty"`
	Status []string `json:"status,omitempty"`
	ListInput
}

// GatewaySummary is a gateway as ListGateways lists it.
type GatewaySummary struct {
	GatewayArn string     `json:"gatewayArn"`
	Name       string     `json:"name"`
	Status     string     `json:"status"`
	CreatedAt  *Timestamp `json:"createdAt,omitempty"`
}

// ListGatewaysOutput is the ListGateways response.
type ListGatewaysOutput struct {
	Gateways  []GatewaySummary `json:"gateways"`
	NextToken *string          `json:"nextToken,omitempty"`
}

// GatewayClusterInput is the Associate/DisassociateGatewayWithCluster request and the
// ListGatewayClusterAssociations / ListGatewayRoutes filter.
type GatewayClusterInput struct {
	Gateway                  string   `json:"gateway,omitempty"`
	Cluster                  string   `json:"cluster,omitempty"`
	Service                  string   `json:"service,omitempty"`
	ServiceContainerPortName string   `json:"serviceContainerPortName,omitempty"`
	Status                   []string `json:"status,omitempty"`
	ListInput
}

// GatewayClusterAssociation is one gateway's association with one cluster.
type GatewayClusterAssociation struct {
	ClusterArn string `json:"clusterArn"`
	GatewayArn string `json:"gatewayArn"`
	Status     string `json:"status"`
}

// ListGatewayClusterAssociationsOutput is the ListGatewayClusterAssociations response.
type ListGatewayClusterAssociationsOutput struct {
	GatewayClusterAssociations []GatewayClusterAssociation `json:"gatewayClusterAssociations"`
	NextToken                  *string                     `json:"nextToken,omitempty"`
}

// ListGatewayRoutesOutput is the ListGatewayRoutes response.
type ListGatewayRoutesOutput struct {
	GatewayRoutes []struct{} `json:"gatewayRoutes"`
	NextToken     *string    `json:"nextToken,omitempty"`
}

// GatewayRouteRef names a gateway route (DescribeGatewayRoute).
type GatewayRouteRef struct {
	GatewayRouteArn string `json:"gatewayRouteArn"`
}

// GatewayRouteOutput is the DescribeGatewayRoute response.
type GatewayRouteOutput struct{}

// GatewayResources is the infrastructure a gateway manages.
type GatewayResources struct {
	GatewayArn string          `json:"gatewayArn"`
	Resources  json.RawMessage `json:"resources"`
}

// DescribeGatewayResourcesOutput is the DescribeGatewayResources response.
type DescribeGatewayResourcesOutput struct {
	GatewayResources *GatewayResources `json:"gatewayResources"`
	NextToken        *string           `json:"nextToken,omitempty"`
}

// Gateway statuses and association statuses (the model's GatewayStatus and
// GatewayClusterAssociationStatus).
const (
	GatewayActive         = "ACTIVE"
	GatewayUpdateComplete = "UPDATE_COMPLETE"
	GatewayDeleted        = "DELETED"
	AssociationActive     = "ACTIVE"
	AssociationDisassoc   = "DISASSOCIATING"
)

// GatewayARN is the ARN of a gateway (names are unique within an account and Region).
func (s Scope) GatewayARN(name string) string { return s.arn("gateway/" + name) }
