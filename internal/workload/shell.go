package workload

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
)

// Shell is a tiny line shell for ECS Exec into the scratch image, which has no
// /bin/sh: with script it runs that one line, otherwise it prompts on out and runs the
// lines it reads from in until "exit" or end of input. It knows echo, exit [N], env,
// hostname, pwd, cat FILE and size (the rows and columns of the terminal on stdin, which
// is how tests see a terminal resize arrive); anything else is "not found" (status 127).
// It returns the status to exit with.
func Shell(script string, interactive bool, in io.Reader, out io.Writer) int {
	if script != "" {
		status, _ := shellLine(script, out)
		return status
	}
	sc := bufio.NewScanner(in)
	status := 0
	for {
		if interactive {
			fmt.Fprint(out, "$ ")
		}
		if !sc.Scan() {
			return status
		}
		var exit bool
		status, exit = shellLine(sc.Text(), out)
		if exit {
			return status
		}
	}
}

// shellLine runs one line and says whether it was exit.
func shellLine(line string, out io.Writer) (status int, exit bool) {
	words := strings.Fields(line)
	if len(words) == 0 {
		return 0, false
	}
	switch words[0] {
	case "echo":
		fmt.Fprintln(out, strings.Join(words[1:], " "))
	case "exit":
		if len(words) > 1 {
			n, err := strconv.Atoi(words[1])
			if err != nil {
				fmt.Fprintf(out, "sh: exit: %s: numeric argument required\n", words[1])
				return 2, true
			}
			return n, true
		}
		return 0, true
	case "env":
		env := os.Environ()
		sort.Strings(env)
		fmt.Fprintln(out, strings.Join(env, "\n"))
	case "hostname":
		h, err := os.Hostname()
		if err != nil {
			fmt.Fprintf(out, "sh: hostname: %v\n", err)
			return 1, false
		}
		fmt.Fprintln(out, h)
	case "pwd":
		d, err := os.Getwd()
		if err != nil {
			fmt.Fprintf(out, "sh: pwd: %v\n", err)
			return 1, false
		}
		fmt.Fprintln(out, d)
	case "cat":
		for _, f := range words[1:] {
			b, err := os.ReadFile(f)
			if err != nil {
				fmt.Fprintf(out, "cat: %v\n", err)
				return 1, false
			}
			_, _ = out.Write(b)
		}
	case "size":
		rows, cols, err := terminalSize(os.Stdin)
		if err != nil {
			fmt.Fprintf(out, "sh: size: %v\n", err)
			return 1, false
		}
		fmt.Fprintf(out, "%d %d\n", rows, cols)
	default:
		fmt.Fprintf(out, "sh: %s: not found\n", words[0])
		return 127, false
	}
	return 0, false
}
