package execchannel

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

// Protocol timing.
const (
	// resendAfter is how long an output message waits for its acknowledgement before it
	// is sent again; resendEvery is how often that is checked.
	resendAfter = 3 * time.Second
	resendEvery = time.Second
	// sizeWait is how long the process waits for the client's first terminal size after
	// the handshake before it starts at the default size.
	sizeWait = 2 * time.Second
	// closeGrace is how long the server waits for the client to hang up after
	// channel_closed.
	closeGrace = time.Second
	// agentVersion is what the handshake tells the client it talks to.
	agentVersion = "3.3.0.0-ecsmini"
	// maxChunk bounds the output carried by one message.
	maxChunk = 16 << 10
)

// flagTerminate is the Flag payload with which a client ends its session.
const flagTerminate = 2

// session is one connected data channel.
type session struct {
	cfg      Config
	ws       *websocket.Conn
	id       string
	wantExit bool
	cancel   func()
	target   ecs.ExecTarget

	wmu sync.Mutex // serialises writes to ws and guards out
	out ssmsession.Sender
	in  ssmsession.Receiver // the read loop's only

	pmu      sync.Mutex // guards proc, pending, sizeSet, lastSize
	proc     containers.Process
	pending  [][]byte // keystrokes that came before the process started
	size     chan ssmsession.SizeContent
	sizeSet  bool
	lastSize ssmsession.SizeContent // the latest size the client sent before the process started
}

func newSession(cfg Config, ws *websocket.Conn, id string, wantExit bool, cancel func()) *session {
	return &session{cfg: cfg, ws: ws, id: id, wantExit: wantExit, cancel: cancel,
		out: ssmsession.Sender{Type: ssmsession.OutputStreamData}, size: make(chan ssmsession.SizeContent, 1)}
}

// run plays the session to its end and returns the command's exit code, or the error
// that ended the session.
func (s *session) run(ctx context.Context) (int, error) {
	readDone := make(chan error, 1)
	go func() { readDone <- s.readLoop(ctx) }() // ends when the connection closes
	defer func() {
		s.cancel()
		_ = s.ws.Close() // unblocks the read loop
		<-readDone
	}()
	stopResend := s.resendLoop()
	defer stopResend()

	hr, err := jsonPayload(ssmsession.NewHandshakeRequest(agentVersion))
	if err != nil {
		return 0, err
	}
	if err := s.send(ssmsession.HandshakeRequest, hr); err != nil {
		return 0, err
	}
	size, err := s.firstSize(ctx, readDone)
	if err != nil {
		return 0, err
	}
	proc, err := s.cfg.Runtime.Exec(ctx, s.target.RuntimeID, containers.ExecSpec{Cmd: s.target.Command, TTY: true, Cols: uint(size.Cols), Rows: uint(size.Rows)})
	if err != nil {
		// The session's end is recorded before the client hears of it, so whoever reads
		// the events after the client returns finds it.
		s.cfg.Sessions.CloseExecSession(s.id, 0, err)
		s.closeWith(fmt.Sprintf("Cannot run %q in container %s: %v", s.target.CommandText, s.target.ContainerName, err))
		return 0, err
	}
	defer proc.Close()
	go func() { // ends with ctx, which ends when the handler returns
		<-ctx.Done()
		_ = proc.Close() // unblocks pump after TerminateSession or a lost client
	}()
	logf, err := openLog(s.cfg.LogDir, s.target, s.cfg.Clock.Now())
	if err != nil {
		s.cfg.Log.Warn("exec session log", "session", s.id, "err", err)
	}
	if logf != nil {
		defer logf.Close()
	}
	pumped := make(chan error, 1)
	go func() { pumped <- s.pump(proc, logf) }() // ends when the output ends or proc closes
	if err := s.attach(ctx, proc, size); err != nil {
		return 0, err
	}
	if err := <-pumped; err != nil && ctx.Err() == nil {
		return 0, err
	}
	if ctx.Err() != nil {
		return 0, fmt.Errorf("session ended before its command did: %w", context.Cause(ctx))
	}
	code, err := proc.Wait(ctx)
	if err != nil {
		return 0, fmt.Errorf("exit code: %w", err)
	}
	if s.wantExit {
		if err := s.send(ssmsession.ExitCode, []byte(strconv.Itoa(code))); err != nil {
			return code, err
		}
	}
	s.cfg.Sessions.CloseExecSession(s.id, code, nil) // before the client hears of it, as above
	s.closeWith("")
	s.linger(readDone)
	return code, nil
}

// linger gives the client a moment to acknowledge the last messages and hang up
// (the plugin exits on channel_closed) before the server closes the connection.
func (s *session) linger(readDone chan error) {
	timedOut := make(chan struct{})
	t := s.cfg.Clock.AfterFunc(closeGrace, func() { close(timedOut) })
	defer t.Stop()
	select {
	case err := <-readDone:
		readDone <- err // for run's deferred wait
	case <-timedOut:
	}
}

// firstSize waits for the client's first terminal size: the plugin sends it once its
// shell handlers are ready, so output sent after it is displayed, not dropped.
func (s *session) firstSize(ctx context.Context, readDone <-chan error) (ssmsession.SizeContent, error) {
	timedOut := make(chan struct{})
	t := s.cfg.Clock.AfterFunc(sizeWait, func() { close(timedOut) })
	defer t.Stop()
	select {
	case sz := <-s.size:
		return sz, nil
	case <-timedOut:
		return ssmsession.SizeContent{}, nil
	case err := <-readDone:
		return ssmsession.SizeContent{}, fmt.Errorf("client left before the session started: %w", err)
	case <-ctx.Done():
		return ssmsession.SizeContent{}, context.Cause(ctx)
	}
}

// attach makes proc the session's process, sizes it as the client last asked (a size
// can come after the process started without one, or change before it started) and
// feeds it the keystrokes that came first.
func (s *session) attach(ctx context.Context, proc containers.Process, started ssmsession.SizeContent) error {
	s.pmu.Lock()
	defer s.pmu.Unlock()
	s.proc = proc
	if sz := s.lastSize; s.sizeSet && sz != started && sz.Cols > 0 && sz.Rows > 0 {
		if err := proc.Resize(ctx, uint(sz.Cols), uint(sz.Rows)); err != nil {
			s.cfg.Log.Warn("exec data channel: resize", "session", s.id, "err", err)
		}
	}
	for _, b := range s.pending {
		if _, err := proc.Write(b); err != nil {
			return fmt.Errorf("write to the process: %w", err)
		}
	}
	s.pending = nil
	return nil
}

// pump sends the process's output to the client (and the log) until it ends.
func (s *session) pump(proc io.Reader, logf io.Writer) error {
	buf := make([]byte, maxChunk)
	for {
		n, err := proc.Read(buf)
		if n > 0 {
			chunk := append([]byte(nil), buf[:n]...)
			if logf != nil {
				_, _ = logf.Write(chunk) // a full disk must not end the session; openLog warned about the file
			}
			if serr := s.send(ssmsession.Output, chunk); serr != nil {
				return serr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the process's output: %w", err)
		}
	}
}

// send sends the next output message and tracks it until it is acknowledged.
func (s *session) send(pt ssmsession.PayloadType, payload []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	now := s.cfg.Clock.Now()
	m := s.out.Next(pt, payload, now)
	s.out.Track(m, now)
	return s.write(m)
}

// write sends m; the caller holds wmu.
func (s *session) write(m ssmsession.Message) error {
	b, err := m.Marshal()
	if err != nil {
		return err
	}
	if err := s.ws.WriteMessage(websocket.BinaryMessage, b); err != nil {
		return fmt.Errorf("send %s: %w", m.Type, err)
	}
	return nil
}

// closeWith sends channel_closed; a non-empty output is shown by the plugin (an error).
func (s *session) closeWith(output string) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	m, err := ssmsession.NewChannelClosed(s.id, output, s.cfg.Clock.Now())
	if err == nil {
		err = s.write(m)
	}
	if err != nil {
		s.cfg.Log.Warn("exec data channel: channel_closed", "session", s.id, "err", err)
		return
	}
	_ = s.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
}

// resendLoop resends unacknowledged output until the returned stop is called.
func (s *session) resendLoop() (stop func()) {
	var mu sync.Mutex
	stopped := false
	var tick func()
	tick = func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		s.wmu.Lock()
		for _, m := range s.out.Due(s.cfg.Clock.Now(), resendAfter) {
			if err := s.write(m); err != nil {
				break
			}
		}
		s.wmu.Unlock()
		s.cfg.Clock.AfterFunc(resendEvery, tick)
	}
	s.cfg.Clock.AfterFunc(resendEvery, tick)
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
	}
}

// flagOf reads a Flag payload (a big-endian uint32).
func flagOf(p []byte) uint32 {
	if len(p) < 4 {
		return 0
	}
	return binary.BigEndian.Uint32(p)
}
