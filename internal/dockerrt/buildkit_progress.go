package dockerrt

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	bkclient "github.com/moby/buildkit/client"
	digest "github.com/opencontainers/go-digest"
)

// statusPrinter writes BuildKit's solve status as plain lines, as `docker build
// --progress=plain` does: "#3 [2/4] RUN make", its output, "#3 DONE 1.2s". It keeps the
// last lines of each step's output, to explain a failure.
type statusPrinter struct {
	w       io.Writer
	num     map[digest.Digest]int
	names   map[digest.Digest]string
	done    map[digest.Digest]bool
	tails   map[digest.Digest][]string
	failed  []digest.Digest
	partial map[digest.Digest]string // output not yet ended by a newline
}

// tailLines is how many lines of a step's output a failure repeats.
const tailLines = 15

func newStatusPrinter(w io.Writer) *statusPrinter {
	return &statusPrinter{w: w, num: map[digest.Digest]int{}, names: map[digest.Digest]string{},
		done: map[digest.Digest]bool{}, tails: map[digest.Digest][]string{}, partial: map[digest.Digest]string{}}
}

func (p *statusPrinter) id(d digest.Digest) int {
	n, ok := p.num[d]
	if !ok {
		n = len(p.num) + 1
		p.num[d] = n
	}
	return n
}

func (p *statusPrinter) print(s *bkclient.SolveStatus) {
	for _, v := range s.Vertexes {
		if v.Started == nil && !v.Cached {
			continue
		}
		_, seen := p.names[v.Digest]
		if !seen {
			p.names[v.Digest] = v.Name
			fmt.Fprintf(p.w, "#%d %s\n", p.id(v.Digest), v.Name)
		}
		if p.done[v.Digest] {
			continue
		}
		switch {
		case v.Error != "":
			p.done[v.Digest] = true
			p.failed = append(p.failed, v.Digest)
			fmt.Fprintf(p.w, "#%d ERROR: %s\n", p.id(v.Digest), v.Error)
		case v.Cached:
			p.done[v.Digest] = true
			fmt.Fprintf(p.w, "#%d CACHED\n", p.id(v.Digest))
		case v.Completed != nil:
			p.done[v.Digest] = true
			fmt.Fprintf(p.w, "#%d DONE %.1fs\n", p.id(v.Digest), v.Completed.Sub(*v.Started).Seconds())
		}
	}
	for _, l := range s.Logs {
		text := p.partial[l.Vertex] + string(l.Data)
		lines := strings.Split(text, "\n")
		p.partial[l.Vertex] = lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			line = strings.TrimRight(line, "\r")
			fmt.Fprintf(p.w, "#%d %s\n", p.id(l.Vertex), line)
			t := append(p.tails[l.Vertex], line)
			if len(t) > tailLines {
				t = t[1:]
			}
			p.tails[l.Vertex] = t
		}
	}
	for _, w := range s.Warnings {
		fmt.Fprintf(p.w, "#%d WARN: %s\n", p.id(w.Vertex), bytes.TrimSpace(w.Short))
	}
}

// failedLogs is the output of the steps that failed, indented, to follow the error.
func (p *statusPrinter) failedLogs() string {
	var b strings.Builder
	for _, d := range p.failed {
		lines := p.tails[d]
		if rest := strings.TrimSpace(p.partial[d]); rest != "" {
			lines = append(lines, rest)
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n  %s:", p.names[d])
		for _, l := range lines {
			b.WriteString("\n    " + l)
		}
	}
	return b.String()
}
