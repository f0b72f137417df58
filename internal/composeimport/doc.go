// Package composeimport turns a Docker Compose project, as compose-go loads it (exactly
// as Docker Compose reads files), into ECS inputs: one task definition family and one
// service per compose service, in one cluster per project.
//
// The conversion is pure: Convert takes a loaded *types.Project and returns a Plan (the
// RegisterTaskDefinition and CreateService inputs, the images to build, the host ports
// of the local load balancers and the start order) plus one Warning for every compose
// key it cannot carry over, so that nothing is dropped silently. Loading files (Load)
// is the only part that touches the file system; calling the ECS API, building images
// and watching files belong to internal/cli.
//
// Networking follows what ECS on Fargate does and what makes compose's names work:
// every task definition is awsvpc, so each task gets its own address and the
// emulator's per-task DNS server answers every service of the cluster by its name —
// the compose service name — as compose's default network does.
package composeimport
