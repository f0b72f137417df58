// Package agent runs ECS tasks on a container runtime, as the ECS container agent does.
// Its core is Plan, a pure function from what a task wants and what the runtime reports
// to the next steps (start this container, stop that one, stop the task because ...),
// each with a human cause. An executor carries the steps out and feeds runtime events
// back in; it decides nothing, so every ECS rule lives in Plan and is tested as text.
//
// An awsvpc task's network is its pause container, as is that of a bridge-mode task of a
// service with Service Connect (see ServiceConnectStore): the runner looks at it on every step
// (its die and destroy events wake the runner), and Plan stops a task whose network is
// gone. After a crash, Adopt takes over the tasks whose containers outlived the previous
// ecsmini (Adoptable says which): running containers go on, and containers that exited
// meanwhile are reported with their exit code, OOM flag and finish time before they go.
package agent
