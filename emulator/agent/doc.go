// Package agent runs ECS tasks on a container runtime, as the ECS container agent does.
// Its core is Plan, a pure function from what a task wants and what the runtime reports
// to the next steps (start this container, stop that one, stop the task because ...),
// each with a human cause. An executor carries the steps out and feeds runtime events
// back in; it decides nothing, so every ECS rule lives in Plan and is tested as text.
package agent
