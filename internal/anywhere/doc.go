// Package anywhere connects machines beyond this one to a running ecsmini as ECS
// Anywhere (EXTERNAL) container instances.
//
// `ecsmini agent` on another machine registers it with RegisterContainerInstance
// (attribute ecs.capability.external), then long-polls ecsmini's own endpoint
// /_ecsmini/agent/poll for the tasks placed on its instance; every poll is also its
// heartbeat. It runs those tasks on its own Docker Engine with the same task agent
// `ecsmini up` uses (emulator/agent), whose store here is remote: reads come from the
// last poll, changes go back with SubmitTaskStateChange. ECS's agent learns of work
// over the ACS websocket instead; ecsmini's poll is simpler and needs no SigV4.
//
// The poll endpoint hands out task definitions (environment, secrets' names) and
// decides what a machine runs, so it requires the join token that `ecsmini up` keeps
// in its state directory (Authorization: Bearer <token>); `ecsmini instance
// join-token` prints it, to clients on the same machine only.
//
// The tasks get what ecsmini's own tasks get (sources.go, remote.go): the agent serves
// their metadata endpoints on its machine, as the ECS agent does; their task roles'
// credentials come with the poll's answer, as ACS hands them to the ECS agent; their
// secrets and their awslogs destinations and lines go through ecsmini's own endpoints
// (/_ecsmini/agent/secret, awslogs, lines), where the ECS agent would call Secrets
// Manager, SSM and CloudWatch Logs. Their containers' health goes to ecsmini's
// /_ecsmini/agent/health with the task's next report, where the ECS agent would publish
// it over TCS: SubmitTaskStateChange has no field for it. All of them require the join
// token.
package anywhere
