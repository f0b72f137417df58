package httpapi

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// SSMTargetPrefix is the X-Amz-Target prefix of the SSM operations served: the
// session-manager-plugin calls TerminateSession and ResumeSession on the endpoint the
// AWS CLI gives it, which for ECS Exec is the ECS endpoint, so they arrive here.
const SSMTargetPrefix = "AmazonSSM."

// ExecBackend serves ECS Exec: ExecuteCommand and the SSM session operations.
type ExecBackend interface {
	ExecuteCommand(context.Context, *ecs.ExecuteCommandInput) (*ecs.ExecuteCommandOutput, error)
	TerminateSession(context.Context, *ecs.SessionInput) (*ecs.TerminateSessionOutput, error)
	ResumeSession(context.Context, *ecs.SessionInput) (*ecs.ResumeSessionOutput, error)
}

func (h *Handler) registerExec(b ExecBackend) {
	h.add("ExecuteCommand", op(b.ExecuteCommand))
	h.ssm = map[string]operation{
		"TerminateSession": op(b.TerminateSession),
		"ResumeSession":    op(b.ResumeSession),
	}
}
