package ecs

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// ARN is a parsed Amazon Resource Name. Resource is everything after the account field,
// e.g. "cluster/prod" or "task-definition/web:3".
type ARN struct {
	Partition, Service, Region, Account, Resource string
}

// ParseARN splits s into its fields; ok is false when s is not an ARN.
func ParseARN(s string) (ARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

// InAccount reports whether the ARN names account. An empty account field is the
// caller's own, as the Terraform AWS provider builds ARNs when it is told not to ask
// STS for the account (skip_requesting_account_id): arn:aws:ecs:us-east-1::cluster/NAME.
func (a ARN) InAccount(account string) bool { return a.Account == "" || a.Account == account }

// String formats the ARN.
func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// Kind is the resource type of an ECS ARN: "cluster", "task-definition", "service", ...
func (a ARN) Kind() string {
	kind, _, _ := strings.Cut(a.Resource, "/")
	return kind
}

// Path is the resource path after the kind: "prod" for cluster/prod, "web:3" for
// task-definition/web:3, "prod/api" for service/prod/api.
func (a ARN) Path() string {
	_, path, _ := strings.Cut(a.Resource, "/")
	return path
}

// Scope names the region and account that every ARN ecsmini builds carries.
type Scope struct {
	Region  string
	Account string
}

func (s Scope) arn(resource string) string {
	return "arn:aws:ecs:" + s.Region + ":" + s.Account + ":" + resource
}

// ClusterARN is the ARN of the named cluster.
func (s Scope) ClusterARN(name string) string { return s.arn("cluster/" + name) }

// TaskDefinitionARN is the ARN of a task definition revision.
func (s Scope) TaskDefinitionARN(family string, revision int) string {
	return s.arn("task-definition/" + family + ":" + strconv.Itoa(revision))
}

// CapacityProviderARN is the ARN of a capacity provider.
func (s Scope) CapacityProviderARN(name string) string { return s.arn("capacity-provider/" + name) }

// ServiceARN is the long-format ARN of a service.
func (s Scope) ServiceARN(cluster, name string) string {
	return s.arn("service/" + cluster + "/" + name)
}

// TaskARN is the long-format ARN of a task.
func (s Scope) TaskARN(cluster, id string) string { return s.arn("task/" + cluster + "/" + id) }

// ContainerInstanceARN is the long-format ARN of a container instance.
func (s Scope) ContainerInstanceARN(cluster, id string) string {
	return s.arn("container-instance/" + cluster + "/" + id)
}

// RootPrincipal is the IAM ARN of the account's root user, the identity every caller
// of ecsmini is taken to be.
func (s Scope) RootPrincipal() string { return "arn:aws:iam::" + s.Account + ":root" }

// NewID returns a new resource ID in ECS's current format: 32 lowercase hex characters.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand never fails on supported platforms (it panics internally instead);
		// keep a deterministic fallback rather than panicking in library code.
		return fmt.Sprintf("%032x", 0)
	}
	return hex.EncodeToString(b[:])
}

// NewUUID returns a random RFC 4122 version-4 UUID, the format ECS keeps for attachment
// and container IDs.
func NewUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // see NewID: cannot fail on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
