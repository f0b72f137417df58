package cli

import (
	"fmt"
	"io"
	"strings"
)

// reportRecovered tells the user what `ecsmini up --recover` dropped from damaged state,
// so a recovery is never silent.
func reportRecovered(w io.Writer, stateDir string, lost []string) {
	if len(lost) == 0 {
		return
	}
	fmt.Fprintf(w, "ecsmini: recovered the damaged state in %s; dropped:\n  - %s\n", stateDir, strings.Join(lost, "\n  - "))
}
