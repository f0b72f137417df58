package execsession

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/eventemit"
	"github.com/ecsmini/ecsmini/emulator/state"
)

// execSession is a session from ExecuteCommand to its end.
type execSession struct {
	id, token string
	target    ecs.ExecTarget
	expires   time.Time // the token's; zero once opened
	opened    bool
	cancel    func() // ends the running data channel (TerminateSession)
}

// Sessions holds the open sessions. Its own mutex, not the store's: sessions are
// not state that is saved or replayed.
type Sessions struct {
	st *state.State
	ev *eventemit.Emitter

	mu   sync.Mutex
	byID map[string]*execSession
}

// New makes the session table of an emulator whose state is st, announcing sessions on ev.
func New(st *state.State, ev *eventemit.Emitter) *Sessions {
	return &Sessions{st: st, ev: ev, byID: map[string]*execSession{}}
}

// open records a new session for target; expired unopened sessions are dropped.
func (s *Sessions) open(target ecs.ExecTarget, now time.Time) *execSession {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, old := range s.byID {
		if !old.opened && now.After(old.expires) {
			delete(s.byID, id)
		}
	}
	id := "ecs-execute-command-" + newToken(9)
	target.SessionID = id
	sess := &execSession{id: id, token: newToken(32), target: target, expires: now.Add(ExecSessionTTL)}
	s.byID[id] = sess
	return sess
}

// OpenExecSession is the data channel presenting a session's token. The token is
// single use: the session is then open, and cancel ends it if TerminateSession is called.
func (e *Sessions) OpenExecSession(sessionID, token string, cancel func()) (ecs.ExecTarget, error) {
	s := e
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[sessionID]
	switch {
	case !ok:
		return ecs.ExecTarget{}, fmt.Errorf("session %s does not exist or has ended", sessionID)
	case sess.opened:
		return ecs.ExecTarget{}, fmt.Errorf("session %s is already open; its token is single use", sessionID)
	case e.st.Clock.Now().After(sess.expires):
		delete(s.byID, sessionID)
		return ecs.ExecTarget{}, fmt.Errorf("the token of session %s has expired (valid %s)", sessionID, ExecSessionTTL)
	case token != sess.token:
		return ecs.ExecTarget{}, fmt.Errorf("wrong token for session %s", sessionID)
	}
	sess.opened, sess.cancel = true, cancel
	return sess.target, nil
}

// CloseExecSession is the data channel reporting its session's end: the command's exit
// code, or the error that ended the session (err). The session is forgotten.
func (e *Sessions) CloseExecSession(sessionID string, exitCode int, err error) {
	e.mu.Lock()
	sess, ok := e.byID[sessionID]
	delete(e.byID, sessionID)
	e.mu.Unlock()
	if !ok {
		return
	}
	if err != nil {
		e.emitExec(sess.target, "failed", fmt.Sprintf("ECS Exec session %s in container %s failed: %v", sessionID, sess.target.ContainerName, err), nil)
		return
	}
	e.emitExec(sess.target, "ended", fmt.Sprintf("ECS Exec session %s in container %s ended: %s exited with code %d", sessionID, sess.target.ContainerName, sess.target.CommandText, exitCode), &exitCode)
}

// TerminateSession is SSM's TerminateSession, which the session-manager-plugin calls on
// the endpoint it is given: it ends the session's command and forgets the session.
func (e *Sessions) TerminateSession(_ context.Context, in *ecs.SessionInput) (*ecs.TerminateSessionOutput, error) {
	e.mu.Lock()
	sess, ok := e.byID[in.SessionID]
	e.mu.Unlock()
	if !ok {
		// SSM answers a terminated or unknown session with success, so retries are safe.
		return &ecs.TerminateSessionOutput{SessionID: in.SessionID}, nil
	}
	if sess.cancel != nil {
		sess.cancel()
	} else {
		e.CloseExecSession(in.SessionID, 0, fmt.Errorf("terminated before its data channel opened"))
	}
	return &ecs.TerminateSessionOutput{SessionID: in.SessionID}, nil
}

// ResumeSession is SSM's ResumeSession, which the plugin calls to reconnect after its
// WebSocket fails. A session whose data channel has not opened yet gets a fresh token;
// an open session cannot be resumed (its command ended with its connection), which is
// SSM's DoesNotExistException.
func (e *Sessions) ResumeSession(ctx context.Context, in *ecs.SessionInput) (*ecs.ResumeSessionOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sess, ok := e.byID[in.SessionID]
	if !ok || sess.opened {
		return nil, ecs.Errorf(ecs.CodeDoesNotExist, "Session %s does not exist or has ended; ecsmini cannot resume an ECS Exec session whose connection was lost.", in.SessionID)
	}
	host := ecs.EndpointFrom(ctx)
	sess.token = newToken(32)
	sess.expires = e.st.Clock.Now().Add(ExecSessionTTL)
	return &ecs.ResumeSessionOutput{SessionID: sess.id, TokenValue: sess.token, StreamURL: streamURL(host, sess.id)}, nil
}
