package dockerrt

import (
	"archive/tar"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestBuildContext(t *testing.T) {
	b, err := buildContext(map[string][]byte{
		"ecsmini":    []byte("\x7fELF..."),
		"Dockerfile": []byte("FROM scratch\n"),
		"run.sh":     []byte("#!/bin/sh\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(b))
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, sprintf("%s %o %d", h.Name, h.Mode, h.Size))
	}
	eq(t, "entries", got, []string{"Dockerfile 644 13", "ecsmini 755 7", "run.sh 755 10"})
}

func TestReadStream(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
		wantLines         []string
	}{
		{"build ok", `{"stream":"Step 1/3 : FROM scratch\n"}{"stream":" ---\u003e \n"}{"aux":{"ID":"sha256:ab"}}{"stream":"Successfully built ab\n"}`,
			"", []string{"Step 1/3 : FROM scratch", " ---> ", "Successfully built ab"}},
		{"pull failure inside a 200 stream", `{"status":"Pulling from x"}{"errorDetail":{"message":"pull access denied"},"error":"pull access denied"}`,
			"pull access denied", []string{"Pulling from x"}},
		{"error without detail", `{"error":"boom"}`, "boom", nil},
		{"garbage", `{"stream":`, "progress stream", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []string
			err := readStream(strings.NewReader(tt.in), func(l string) { lines = append(lines, l) })
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			eq(t, "lines", lines, tt.wantLines)
		})
	}
}
