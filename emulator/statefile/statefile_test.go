package statefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type doc struct {
	Names []string `json:"names"`
}

func TestSaveAndLoad(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(dir string) // what is on disk before Load
		want    doc
		found   bool
		err     string
	}{
		{name: "missing file", prepare: func(string) {}, want: doc{Names: []string{"kept"}}},
		{name: "saved", prepare: func(dir string) {
			if err := Save(dir, "state.json", doc{Names: []string{"a", "b"}}); err != nil {
				t.Fatal(err)
			}
		}, want: doc{Names: []string{"a", "b"}}, found: true},
		{name: "saved twice keeps the last", prepare: func(dir string) {
			for _, n := range []string{"first", "second"} {
				if err := Save(dir, "state.json", doc{Names: []string{n}}); err != nil {
					t.Fatal(err)
				}
			}
		}, want: doc{Names: []string{"second"}}, found: true},
		{name: "damaged", prepare: func(dir string) {
			if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte("{"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, want: doc{Names: []string{"kept"}}, err: "state.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "sub") // Save makes the directory
			if err := os.MkdirAll(dir, 0o700); err != nil && tt.name != "missing file" {
				t.Fatal(err)
			}
			tt.prepare(dir)
			got := doc{Names: []string{"kept"}}
			found, err := Load(dir, "state.json", &got)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("Load error %v, want one naming %q", err, tt.err)
				}
				return
			}
			if err != nil || found != tt.found || strings.Join(got.Names, ",") != strings.Join(tt.want.Names, ",") {
				t.Fatalf("Load = %v, %v, %+v; want %v, %+v", found, err, got, tt.found, tt.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "state.json.tmp")); !os.IsNotExist(err) {
				t.Errorf("the temporary file is left: %v", err)
			}
		})
	}
}

// A Save that cannot write leaves the old file as it was.
func TestFailedSaveKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	if err := Save(dir, "state.json", doc{Names: []string{"old"}}); err != nil {
		t.Fatal(err)
	}
	if err := Save(dir, "state.json", map[string]any{"bad": func() {}}); err == nil {
		t.Fatal("Save of a value JSON cannot encode succeeded")
	}
	var got doc
	if _, err := Load(dir, "state.json", &got); err != nil || len(got.Names) != 1 || got.Names[0] != "old" {
		t.Fatalf("after a failed Save: %+v %v", got, err)
	}
}
