package workload

import (
	"strings"
	"testing"
)

func TestShell(t *testing.T) {
	tests := []struct {
		name        string
		script      string
		interactive bool
		stdin       string
		out         string
		status      int
	}{
		{"one command", "echo hello-from-exec", false, "", "hello-from-exec\n", 0},
		{"unknown command", "ls /", false, "", "sh: ls: not found\n", 127},
		{"exit status", "exit 3", false, "", "", 3},
		{"interactive lines until exit", "", true, "echo one\necho two\nexit 4\necho never\n", "$ one\n$ two\n$ ", 4},
		{"end of input ends it", "", false, "echo a\nnope\n", "a\nsh: nope: not found\n", 127},
		{"bad exit argument", "exit x", false, "", "sh: exit: x: numeric argument required\n", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			status := Shell(tc.script, tc.interactive, strings.NewReader(tc.stdin), &out)
			if out.String() != tc.out || status != tc.status {
				t.Errorf("Shell = %d, %q; want %d, %q", status, out.String(), tc.status, tc.out)
			}
		})
	}
}
