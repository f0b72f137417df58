package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/protection"
)

// Task scale-in protection lives in package protection.

// UpdateTaskProtection sets or clears the scale-in protection of service tasks.
func (e *Emulator) UpdateTaskProtection(ctx context.Context, in *ecs.UpdateTaskProtectionInput) (*ecs.TaskProtectionOutput, error) {
	return protection.UpdateTaskProtection(ctx, e.st, in, e.ctl.MarkDirty)
}

// GetTaskProtection reports tasks' scale-in protection.
func (e *Emulator) GetTaskProtection(ctx context.Context, in *ecs.GetTaskProtectionInput) (*ecs.TaskProtectionOutput, error) {
	return protection.GetTaskProtection(ctx, e.st, in)
}

// TaskProtection and SetTaskProtection serve a task's own agent endpoint
// (${ECS_AGENT_URI}/task-protection/v1/state).
func (e *Emulator) TaskProtection(taskARN string) (ecs.ProtectedTask, *ecs.Failure, error) {
	return protection.TaskProtection(e.st, taskARN)
}

// SetTaskProtection is UpdateTaskProtection for one task, from inside the task.
func (e *Emulator) SetTaskProtection(taskARN string, enabled bool, minutes *int) (ecs.ProtectedTask, *ecs.Failure, error) {
	return protection.SetTaskProtection(e.st, e.ctl.MarkDirty, taskARN, enabled, minutes)
}
