// Package ecsminiapi is ecsmini's own HTTP API beside the ECS one: the /_ecsmini/*
// endpoints a running `ecsmini up` serves (health, clock, shutdown, cost, load balancers,
// Spot, retirement, simulated EC2 instances and Auto Scaling groups, the event and log
// streams), and the typed Client every command, the dashboard and the demo use to reach
// them and the ECS API.
//
// Server and client share the request and answer types declared here, one file per
// resource group, so the two cannot drift apart. The paths, methods and JSON shapes are
// a public contract: the e2e script and users' scripts call them with curl.
//
// The Client marks every request as ecsmini's own (X-Ecsmini-Client: cli) and sends
// bodies as application/json, so that a server refusing "simple" cross-site requests
// (which a browser page could send without asking) still accepts it.
package ecsminiapi
