package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
)

// TestViewsFitAnySize: at every size, every screen draws exactly the terminal's height
// in lines no wider than the terminal, in colour and without, so nothing wraps or
// scrolls the screen.
func TestViewsFitAnySize(t *testing.T) {
	scripts := [][]string{{"0"}, nil, {"j", "enter"}, {"2"}, {"2", "enter"}, {"3"}, {"4"}, {"5"}, {"?"}, {"2", "/zzz"}}
	for _, colour := range []bool{false, true} {
		for _, size := range [][2]int{{20, 5}, {40, 10}, {63, 17}, {80, 24}, {100, 30}, {132, 43}, {200, 60}} {
			for _, keys := range scripts {
				src, act := newFake()
				m := New(src, act, Options{Now: fixedNow, Tick: -1, Colour: colour})
				m = drive(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]}, snapshotMsg{snap: src.snap, wall: t0},
					eventsMsg{events: fakeEvents()})
				m = drive(t, m, keyMsgs(keys...)...)
				name := fmt.Sprintf("colour=%v %dx%d keys %q", colour, size[0], size[1], keys)
				lines := strings.Split(m.View(), "\n")
				if len(lines) != size[1] {
					t.Errorf("%s: %d lines, want %d", name, len(lines), size[1])
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Errorf("%s: line %d is %d wide: %q", name, i, w, l)
					}
				}
			}
		}
	}
}

// TestNoColour: without colour the view carries no escape sequences at all.
func TestNoColour(t *testing.T) {
	src, act := newFake()
	m := New(src, act, Options{Now: fixedNow, Tick: -1})
	m = drive(t, m, tea.WindowSizeMsg{Width: 160, Height: 48}, snapshotMsg{snap: src.snap, wall: t0})
	for _, k := range []string{"0", "1", "2", "3", "4", "5", "?"} {
		m = drive(t, m, keyMsgs(k)...)
		if v := m.View(); strings.Contains(v, "\x1b") {
			t.Errorf("screen %s has escape sequences without colour", k)
		}
	}
}
