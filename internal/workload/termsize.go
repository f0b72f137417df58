package workload

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// terminalSize reports the rows and columns of the terminal f is (an error when f is
// not a terminal).
func terminalSize(f *os.File) (rows, cols int, err error) {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0, 0, fmt.Errorf("not a terminal: %w", err)
	}
	return int(ws.Row), int(ws.Col), nil
}
