// Package metadata serves, inside task containers, what ECS serves there: the task
// metadata endpoint (TMDE) v4 and v3 and the task IAM role credentials endpoint. It is
// an http.Handler over a small Source interface that the emulator implements; it holds
// no task state of its own apart from the previous stats sample of each container
// (Docker's precpu_stats and ECS's network_rate_stats are differences between samples).
//
// # Paths
//
//	GET /v4/{token}                 the asking container      (ECS_CONTAINER_METADATA_URI_V4)
//	GET /v4/{token}/task            its task and all the task's containers
//	GET /v4/{token}/taskWithTags    /task plus TaskTags and ContainerInstanceTags
//	GET /v4/{token}/stats           Docker stats JSON of the asking container
//	GET /v4/{token}/task/stats      {DockerId: Docker stats JSON} for the task's containers
//	GET /v3/{token}[...]            the same five paths, v3 shapes (ECS_CONTAINER_METADATA_URI)
//	GET /v2/credentials/{id}        task role credentials   (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
//
//	GET|PUT /api/{token}/task-protection/v1/state   task scale-in protection (ECS_AGENT_URI),
//	                                                 when the handler has WithProtection
//
// # Who may read what
//
// Real ECS tells containers apart by their source IP on the task network. ecsmini
// instead puts an unguessable token (NewToken) in each container's metadata URI and
// asks Source.Lookup which container owns it. The task is found only through the
// asking container's token, never from anything else in the request, so a container can
// read its own task's metadata and nothing else. The credentials ID works the same way:
// only containers of the task whose environment carries it can present it.
//
// # v3 versus v4
//
// v3 is v4 minus what the ECS agent adds only for v4 (it builds both from one response
// with an "includeV4Metadata" switch): no LaunchType, ServiceName, VPCID, ClockDrift or
// EphemeralStorageMetrics on the task; no LogDriver, LogOptions, ContainerARN,
// Snapshotter, RestartCount or port HostIp on containers; Networks carry only
// NetworkMode and the IP addresses (not AttachmentIndex, MACAddress, subnet, DNS or
// gateway); stats have no network_rate_stats. Everything else is identical.
//
// # Deliberate choices
//
//   - Timestamps are RFC 3339 strings in UTC with nanoseconds, omitted until they happen.
//   - Task and container statuses are ECS's lifecycle names (RUNNING, STOPPED, ...); the
//     agent's internal steps such as PULLED or CREATED are not modelled.
//   - A container's Limits.CPU is never below 2, as the agent reports it (Docker gets
//     two CPU shares for null, 0 and 1); Limits.Memory is omitted when the container has
//     no hard limit, as on Fargate.
//   - Errors are JSON {"code","message"}, the agent's error body. An unknown token or
//     path is 404, a method other than GET or HEAD is 405 (with Allow), stats that the
//     runtime cannot give yet are 503, and an unknown credentials ID is 400
//     InvalidIdInRequest, as the agent answers.
//
// # Credentials and the SDKs
//
// The AWS SDKs' container credentials provider reads AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
// and prefixes it with http://169.254.170.2, or reads AWS_CONTAINER_CREDENTIALS_FULL_URI
// and then sends AWS_CONTAINER_AUTHORIZATION_TOKEN (or the file named by
// AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) as the Authorization header. SDKs accept a
// plain-http full URI only when its host is a loopback address or 169.254.170.2 (newer
// SDKs also allow the EKS pod identity address 169.254.170.23); otherwise they refuse
// it. Making one of those addresses reach this handler from inside a container is the
// caller's networking job, not this package's. When Credentials.Authorization is set
// the handler requires exactly that Authorization header value.
package metadata
