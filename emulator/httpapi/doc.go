// Package httpapi serves the ECS API over HTTP exactly as AWS speaks it: JSON 1.1,
// POST / with X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>. It decodes
// requests into domain types, calls a Backend, and renders results and ECS errors. It
// holds no state and makes no decisions: validation lives behind the Backend.
//
// SigV4 signatures are accepted without verification; the region of the credential
// scope is passed on, so resources carry the caller's region as in AWS.
//
// STS GetCallerIdentity is answered on the same POST / (sts.go): requests signed for the
// service "sts", or form-encoded ones without X-Amz-Target, speak STS's Query protocol, so
// that tools which ask for the account first (the Terraform AWS provider) need only
// endpoint settings.
//
// ecsmini's own endpoints live under /_ecsmini/ on the same listener, never on POST /.
package httpapi
