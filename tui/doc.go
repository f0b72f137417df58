// Package tui is ecsmini's terminal dashboard (bubbletea): a pure view over a Source
// (snapshot plus event stream) and an Actions interface, never the store or Docker.
// It arrives with the dashboard issue; until then `ecsmini up` runs headless.
package tui
