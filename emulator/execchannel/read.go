package execchannel

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gorilla/websocket"

	"github.com/ecsmini/ecsmini/emulator/ssmsession"
)

// readLoop handles the client's messages until the connection ends.
func (s *session) readLoop(ctx context.Context) error {
	for {
		kind, b, err := s.ws.ReadMessage()
		if err != nil {
			s.cancel()
			return err
		}
		if kind != websocket.BinaryMessage {
			continue
		}
		m, err := ssmsession.Unmarshal(b)
		if err != nil {
			s.cfg.Log.Warn("exec data channel: bad message", "session", s.id, "err", err)
			continue // the client resends what we do not acknowledge
		}
		if err := s.handle(ctx, m); err != nil {
			s.cfg.Log.Warn("exec data channel", "session", s.id, "err", err)
		}
	}
}

// handle processes one message from the client.
func (s *session) handle(ctx context.Context, m ssmsession.Message) error {
	switch m.Type {
	case ssmsession.Acknowledge:
		var a ssmsession.AckContent
		if err := ssmsession.DecodeJSON(m, &a); err != nil {
			return err
		}
		s.wmu.Lock()
		s.out.Acked(a.Sequence)
		s.wmu.Unlock()
	case ssmsession.InputStreamData:
		ack, deliver := s.in.Receive(m)
		if ack {
			if err := s.ack(m); err != nil {
				return err
			}
		}
		for _, d := range deliver {
			if err := s.input(ctx, d); err != nil {
				return err
			}
		}
	case ssmsession.ChannelClosed:
		s.cancel()
	}
	return nil
}

func (s *session) ack(m ssmsession.Message) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	a, err := ssmsession.NewAck(m, s.cfg.Clock.Now())
	if err != nil {
		return err
	}
	return s.write(a)
}

// input acts on one in-order input message.
func (s *session) input(ctx context.Context, m ssmsession.Message) error {
	switch m.PayloadType {
	case ssmsession.HandshakeResponse:
		var r ssmsession.HandshakeResponseContent
		if err := ssmsession.DecodeJSON(m, &r); err != nil {
			return err
		}
		if len(r.Errors) > 0 {
			s.cfg.Log.Warn("exec data channel: client handshake errors", "session", s.id, "errors", r.Errors)
		}
		hc, err := jsonPayload(ssmsession.HandshakeCompleteContent{HandshakeTimeToComplete: 0})
		if err != nil {
			return err
		}
		return s.send(ssmsession.HandshakeComplete, hc)
	case ssmsession.Size:
		var sz ssmsession.SizeContent
		if err := ssmsession.DecodeJSON(m, &sz); err != nil {
			return err
		}
		s.pmu.Lock()
		proc, first := s.proc, !s.sizeSet
		if proc == nil {
			s.sizeSet, s.lastSize = true, sz
		}
		s.pmu.Unlock()
		if proc != nil {
			if sz.Cols == 0 || sz.Rows == 0 {
				return nil
			}
			return proc.Resize(ctx, uint(sz.Cols), uint(sz.Rows))
		}
		if first {
			s.size <- sz // buffered for exactly this one; the process starts at it
		}
	case ssmsession.Output:
		s.pmu.Lock()
		proc := s.proc
		if proc == nil {
			s.pending = append(s.pending, m.Payload)
		}
		s.pmu.Unlock()
		if proc != nil {
			if _, err := proc.Write(m.Payload); err != nil {
				return fmt.Errorf("write to the process: %w", err)
			}
		}
	case ssmsession.Flag:
		if flagOf(m.Payload) == flagTerminate {
			s.cancel()
		}
	}
	return nil
}

func jsonPayload(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode payload: %w", err)
	}
	return b, nil
}
