package logs

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadLine(t *testing.T) {
	const buf, max = 16, 40
	long := strings.Repeat("x", 100)
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"short lines", "a\nbb\n\nccc\n", []string{"a", "bb", "", "ccc"}},
		{"unterminated last line", "a\nbb", []string{"a", "bb"}},
		{"line longer than the buffer, kept whole", strings.Repeat("y", 35) + "\nz\n", []string{strings.Repeat("y", 35), "z"}},
		{"exactly the buffer", strings.Repeat("b", 16) + "\n", []string{strings.Repeat("b", 16)}},
		{"line longer than max, split", long + "\nend\n", []string{long[:48], long[48:96], long[96:], "end"}},
		{"unterminated long line", strings.Repeat("q", 30), []string{strings.Repeat("q", 30)}},
		{"nothing", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.input), buf)
			var got []string
			for {
				line, err := readLine(br, max)
				if line != nil {
					got = append(got, string(line))
				}
				if err != nil {
					if !errors.Is(err, io.EOF) {
						t.Fatal(err)
					}
					break
				}
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Fatalf("lines %q, want %q", got, tc.want)
			}
		})
	}
}
