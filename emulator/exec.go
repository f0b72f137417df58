package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/execsession"
)

// ECS Exec lives in package execsession; these are the facade's names for it.

// ExecSessionTTL is how long a session's token stays valid before the data channel
// opens it.
const ExecSessionTTL = execsession.ExecSessionTTL

// ExecuteCommand opens an ECS Exec session in a running task's container.
func (e *Emulator) ExecuteCommand(ctx context.Context, in *ecs.ExecuteCommandInput) (*ecs.ExecuteCommandOutput, error) {
	return e.exec.ExecuteCommand(ctx, in)
}

// OpenExecSession is the data channel presenting a session's one-time token.
func (e *Emulator) OpenExecSession(sessionID, token string, cancel func()) (ecs.ExecTarget, error) {
	return e.exec.OpenExecSession(sessionID, token, cancel)
}

// CloseExecSession is the data channel reporting its session's end.
func (e *Emulator) CloseExecSession(sessionID string, exitCode int, err error) {
	e.exec.CloseExecSession(sessionID, exitCode, err)
}

// TerminateSession ends a session (SSM's answer to an unknown one is success).
func (e *Emulator) TerminateSession(ctx context.Context, in *ecs.SessionInput) (*ecs.TerminateSessionOutput, error) {
	return e.exec.TerminateSession(ctx, in)
}

// ResumeSession: see execsession.Sessions.ResumeSession.
func (e *Emulator) ResumeSession(ctx context.Context, in *ecs.SessionInput) (*ecs.ResumeSessionOutput, error) {
	return e.exec.ResumeSession(ctx, in)
}
