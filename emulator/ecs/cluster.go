package ecs

// Cluster is an ECS cluster as DescribeClusters returns it.
type Cluster struct {
	ClusterArn                        string                         `json:"clusterArn"`
	ClusterName                       string                         `json:"clusterName"`
	Configuration                     *ClusterConfiguration          `json:"configuration,omitempty"`
	Status                            string                         `json:"status"`
	RegisteredContainerInstancesCount int                            `json:"registeredContainerInstancesCount"`
	RunningTasksCount                 int                            `json:"runningTasksCount"`
	PendingTasksCount                 int                            `json:"pendingTasksCount"`
	ActiveServicesCount               int                            `json:"activeServicesCount"`
	Statistics                        []KeyValuePair                 `json:"statistics"`
	Tags                              []Tag                          `json:"tags,omitzero"`
	Settings                          []ClusterSetting               `json:"settings"`
	CapacityProviders                 []string                       `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []CapacityProviderStrategyItem `json:"defaultCapacityProviderStrategy"`
	Attachments                       []Attachment                   `json:"attachments,omitempty"`
	AttachmentsStatus                 string                         `json:"attachmentsStatus,omitempty"`
	ServiceConnectDefaults            *ClusterServiceConnectDefaults `json:"serviceConnectDefaults,omitempty"`
}

// Cluster statuses.
const (
	ClusterActive   = "ACTIVE"
	ClusterInactive = "INACTIVE"
)

// ClusterSetting is a cluster setting; containerInsights is the only name ECS defines.
type ClusterSetting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ClusterConfiguration holds execute-command and managed-storage configuration; ecsmini
// stores and echoes it.
type ClusterConfiguration struct {
	ExecuteCommandConfiguration *ExecuteCommandConfiguration `json:"executeCommandConfiguration,omitempty"`
	ManagedStorageConfiguration *ManagedStorageConfiguration `json:"managedStorageConfiguration,omitempty"`
}

// ExecuteCommandConfiguration is the cluster's ECS Exec configuration.
type ExecuteCommandConfiguration struct {
	KmsKeyID         *string                         `json:"kmsKeyId,omitempty"`
	Logging          *string                         `json:"logging,omitempty"`
	LogConfiguration *ExecuteCommandLogConfiguration `json:"logConfiguration,omitempty"`
}

// ExecuteCommandLogConfiguration says where ECS Exec session logs go.
type ExecuteCommandLogConfiguration struct {
	CloudWatchLogGroupName      *string `json:"cloudWatchLogGroupName,omitempty"`
	CloudWatchEncryptionEnabled *bool   `json:"cloudWatchEncryptionEnabled,omitempty"`
	S3BucketName                *string `json:"s3BucketName,omitempty"`
	S3EncryptionEnabled         *bool   `json:"s3EncryptionEnabled,omitempty"`
	S3KeyPrefix                 *string `json:"s3KeyPrefix,omitempty"`
}

// ManagedStorageConfiguration names the KMS keys for managed storage.
type ManagedStorageConfiguration struct {
	KmsKeyID                        *string `json:"kmsKeyId,omitempty"`
	FargateEphemeralStorageKmsKeyID *string `json:"fargateEphemeralStorageKmsKeyId,omitempty"`
}

// ClusterServiceConnectDefaults is the cluster's default Service Connect namespace.
type ClusterServiceConnectDefaults struct {
	Namespace *string `json:"namespace,omitempty"`
}

// Attachment is a resource attached to a cluster or task (ENI, Service Connect, ...).
type Attachment struct {
	ID      string         `json:"id"`
	Type    string         `json:"type"`
	Status  string         `json:"status"`
	Details []KeyValuePair `json:"details"`
}

// CapacityProviderStrategyItem is one entry of a capacity provider strategy.
type CapacityProviderStrategyItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int    `json:"weight"`
	Base             int    `json:"base"`
}
