// Package hooks answers ECS deployment lifecycle hooks locally. On AWS a hook's
// hookTargetArn names a Lambda function that ECS invokes with the hook's payload and
// that answers {"hookStatus": "SUCCEEDED" | "FAILED" | "IN_PROGRESS"}. Here the user
// maps such an ARN to a local HTTP endpoint (the payload POSTed as JSON, the answer
// read from the response body as a Lambda returns it) or to a command (the payload on
// stdin, the answer on stdout, or the exit status when stdout has none). An ARN
// nobody mapped succeeds, so a service with hooks deploys without any setup.
//
// The Runner delivers one invocation; the deployment strategies build the payload,
// re-poll IN_PROGRESS and apply ECS's overall timeouts. Mappings are kept in
// <state>/hooks/state.json so they survive a restart.
//
// Commands are configured only by the user: `ecsmini up --hook` and `ecsmini hook set`
// (whose /_ecsmini request the listener's guard admits only from ecsmini's own client
// for a command target). Nothing an ECS API caller sends can name a command.
package hooks
