package ecs

// CreateClusterInput is the CreateCluster request.
type CreateClusterInput struct {
	ClusterName                     *string                        `json:"clusterName,omitempty"`
	Tags                            []Tag                          `json:"tags,omitempty"`
	Settings                        []ClusterSetting               `json:"settings,omitempty"`
	Configuration                   *ClusterConfiguration          `json:"configuration,omitempty"`
	CapacityProviders               []string                       `json:"capacityProviders,omitempty"`
	DefaultCapacityProviderStrategy []CapacityProviderStrategyItem `json:"defaultCapacityProviderStrategy,omitempty"`
	ServiceConnectDefaults          *ClusterServiceConnectDefaults `json:"serviceConnectDefaults,omitempty"`
}

// ClusterOutput is the response of the operations that return one cluster.
type ClusterOutput struct {
	Cluster *Cluster `json:"cluster"`
}

// DescribeClustersInput is the DescribeClusters request.
type DescribeClustersInput struct {
	Clusters []string `json:"clusters,omitempty"`
	Include  []string `json:"include,omitempty"`
}

// DescribeClustersOutput is the DescribeClusters response.
type DescribeClustersOutput struct {
	Clusters []*Cluster `json:"clusters"`
	Failures []Failure  `json:"failures"`
}

// ListInput carries the paging fields every List operation shares.
type ListInput struct {
	NextToken  *string `json:"nextToken,omitempty"`
	MaxResults *int    `json:"maxResults,omitempty"`
}

// ListClustersOutput is the ListClusters response.
type ListClustersOutput struct {
	ClusterArns []string `json:"clusterArns"`
	NextToken   *string  `json:"nextToken,omitempty"`
}

// UpdateClusterInput is the UpdateCluster request.
type UpdateClusterInput struct {
	Cluster                string                         `json:"cluster"`
	Settings               []ClusterSetting               `json:"settings,omitempty"`
	Configuration          *ClusterConfiguration          `json:"configuration,omitempty"`
	ServiceConnectDefaults *ClusterServiceConnectDefaults `json:"serviceConnectDefaults,omitempty"`
}

// UpdateClusterSettingsInput is the UpdateClusterSettings request.
type UpdateClusterSettingsInput struct {
	Cluster  string           `json:"cluster"`
	Settings []ClusterSetting `json:"settings"`
}

// ClusterRef names a cluster (DeleteCluster).
type ClusterRef struct {
	Cluster string `json:"cluster"`
}

// PutClusterCapacityProvidersInput is the PutClusterCapacityProviders request.
type PutClusterCapacityProvidersInput struct {
	Cluster                         string                         `json:"cluster"`
	CapacityProviders               []string                       `json:"capacityProviders"`
	DefaultCapacityProviderStrategy []CapacityProviderStrategyItem `json:"defaultCapacityProviderStrategy"`
}
