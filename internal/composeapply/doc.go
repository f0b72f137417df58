// Package composeapply brings a running ecsmini to a docker compose project through its
// APIs, as `ecsmini import`, `ecsmini up -f [--watch]` and the demo do: it loads the
// files (with composeimport, as Docker Compose reads them), builds the images of build:
// services on the local Docker Engine, pins published ports' load balancers, and
// converges the cluster with ordinary ECS calls — a task definition revision for what
// changed, CreateService, UpdateService (a rolling deployment), RunTask for one-off
// services, DeleteService for services gone from the files — honouring depends_on.
// With watch it re-applies when the files or build contexts change (fsnotify).
//
// Only this package and composeimport import compose-go and fsnotify.
package composeapply
