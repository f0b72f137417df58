package metadata

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the handler's output")

// TestGolden pins whole responses, so a renamed or reordered field shows up as a diff
// to review against the AWS documentation's examples.
func TestGolden(t *testing.T) {
	srv, _ := twoTasks(t)
	for file, path := range map[string]string{
		"v4_container.json":      "/v4/tokA-app",
		"v4_task.json":           "/v4/tokA-app/task",
		"v4_task_with_tags.json": "/v4/tokA-app/taskWithTags",
		"v3_container.json":      "/v3/tokA-app",
		"v3_task.json":           "/v3/tokA-app/task",
	} {
		t.Run(file, func(t *testing.T) {
			resp, body := get(t, http.MethodGet, srv.URL+path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", file)
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("%s differs from %s:\n%s", path, golden, pretty.Bytes())
			}
		})
	}
}
