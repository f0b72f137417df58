// Package execchannel is ECS Exec's data channel: the WebSocket endpoint that
// ExecuteCommand's streamUrl points at. It plays the SSM agent's half of the Session
// Manager protocol (package ssmsession) toward the unmodified session-manager-plugin and
// bridges the session to a process the container runtime runs in the task's container
// with a terminal: keystrokes go to its stdin, its output comes back, terminal resizes
// resize it, and its end closes the channel.
//
// A session, as the server runs it:
//
//	client → text frame {TokenValue, ClientId, ...}      the token from ExecuteCommand
//	server → output 0: handshake request (Standard_Stream)
//	client → input 0: handshake response                  server acks each input message
//	server → output 1: handshake complete                 client acks each output message
//	client → input n: size {cols, rows}                   the process starts at that size
//	client ⇄ input: keystrokes / output: terminal output
//	server → output: exit code (ecsmini's client only), then channel_closed
//
// The stock plugin prints every output payload it gets, so the exit code frame (payload
// type 12) is only sent to clients that say they are ecsmini's (ClientIDPrefix); the
// plugin exits 0 whatever the command's status, as it does against AWS.
//
// Client is the other half, for `ecsmini exec`, which returns the command's exit code.
package execchannel
