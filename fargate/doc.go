// Package fargate holds pure AWS Fargate rules: which task sizes (cpu units and memory
// MiB) Fargate accepts, on which operating systems and platform versions.
//
// Everything here is a pure function of its arguments (no I/O, no clock), so that the
// API layer, the scheduler and the dashboard can all ask the same questions and get the
// same answers that Fargate gives.
package fargate
