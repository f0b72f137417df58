package ecs

import "context"

type regionKey struct{}

// WithRegion returns ctx carrying the caller's region (from its SigV4 credential scope).
// ARNs of resources the caller creates carry that region, and each region holds its
// own set of resources, as in AWS.
func WithRegion(ctx context.Context, region string) context.Context {
	return context.WithValue(ctx, regionKey{}, region)
}

// RegionFrom returns the region stored by WithRegion, or "" if none.
func RegionFrom(ctx context.Context) string {
	r, _ := ctx.Value(regionKey{}).(string)
	return r
}

type endpointKey struct{}

// WithEndpoint returns ctx carrying the host (host:port) the caller reached the API at.
// ExecuteCommand's streamUrl points there, so the data channel is on the same listener
// whatever address the client used.
func WithEndpoint(ctx context.Context, host string) context.Context {
	return context.WithValue(ctx, endpointKey{}, host)
}

// EndpointFrom returns the host stored by WithEndpoint, or "" if none.
func EndpointFrom(ctx context.Context) string {
	h, _ := ctx.Value(endpointKey{}).(string)
	return h
}
