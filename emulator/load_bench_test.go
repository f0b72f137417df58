package emulator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// BenchmarkLoadState measures start-up with 10,000 task definition revisions on disk:
// the snapshot is read and decoded before the API can answer.
func BenchmarkLoadState(b *testing.B) {
	dir := b.TempDir()
	e, err := New(Config{StateDir: dir, NoSync: true}) // setup: 10,000 writes need not wait for the disk
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 10_000; i++ {
		in := &ecs.RegisterTaskDefinitionInput{
			Family:                  fmt.Sprintf("fam-%03d", i%100),
			NetworkMode:             ecs.Ptr("awsvpc"),
			RequiresCompatibilities: []string{"FARGATE"},
			Cpu:                     ecs.Ptr("256"), Memory: ecs.Ptr("512"),
			ContainerDefinitions: []ecs.ContainerDefinition{{
				Name: ecs.Ptr("web"), Image: ecs.Ptr("nginx:1.27"),
				PortMappings: []ecs.PortMapping{{ContainerPort: ecs.Ptr(80)}},
				Environment:  []ecs.KeyValuePair{{Name: ecs.Ptr("MODE"), Value: ecs.Ptr("production")}},
				HealthCheck:  &ecs.HealthCheck{Command: []string{"CMD-SHELL", "curl -f http://localhost/ || exit 1"}},
			}},
		}
		if _, err := e.RegisterTaskDefinition(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		b.Fatal(err)
	}
	// The snapshot and its journal segment: the store refuses one without the other.
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(files) < 2 {
		b.Fatalf("state files %v: %v", files, err)
	}
	state := map[string][]byte{}
	for _, f := range files {
		if state[filepath.Base(f)], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(state["snapshot.jsonl"]))/(1<<20), "snapshot-MiB")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := b.TempDir()
		for name, content := range state {
			if err := os.WriteFile(filepath.Join(d, name), content, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		e, err := New(Config{StateDir: d})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if n := e.taskDefs.Len(); n != 10_000 {
			b.Fatalf("loaded %d revisions, want 10000", n)
		}
		e.store.Abandon()
		b.StartTimer()
	}
}
