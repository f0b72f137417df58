// Package httpguard decides who may drive a local ecsmini listener over HTTP.
//
// ecsmini is unauthenticated and runs containers with host mounts on request, so
// anything that can send it a request is root on the host. The listener binds to
// loopback by default; this package closes the ways a web page in the user's browser
// can still reach it:
//
//   - DNS rebinding: a page on evil.example re-points its name at 127.0.0.1 and is
//     then same-origin with ecsmini. Its requests carry Host: evil.example, so only
//     loopback names and addresses, the listener's own address and names the user
//     allowed are accepted as Host.
//   - Cross-origin requests: browsers add an Origin header; a request that carries one
//     is refused unless the user allowed that origin.
//   - "Simple" cross-site requests (a form POST with text/plain) need no CORS
//     preflight: state-changing /_ecsmini/ endpoints require a JSON content type or
//     the X-Ecsmini-Client header, which a form cannot send.
//
// The AWS CLI, SDKs and Terraform send Host = the endpoint's host:port and no Origin,
// so they pass unchanged.
package httpguard
