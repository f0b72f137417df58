// Package tui is ecsmini's terminal dashboard (bubbletea): a pure view over a Source
// (snapshot plus event stream) and an Actions interface, never the store, the
// scheduler or Docker. The same model serves `ecsmini up` on a terminal and
// `ecsmini dash` attached to a running ecsmini; internal/cli adapts both to the HTTP API.
//
// All I/O happens in tea.Cmds built from the Source and Actions; Init and View only
// describe. Time comes from Options.Now (the wall clock, for ages and countdowns) and
// the snapshot's emulator clock, so golden tests are deterministic.
package tui
