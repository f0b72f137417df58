package execchannel

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// openLog opens the session's output log when the cluster's ECS Exec logging asks for
// one (DEFAULT or OVERRIDE: on AWS they send the output to CloudWatch Logs or S3; locally
// it is kept as dir/<sessionId>.log). It returns nil when no log is kept.
func openLog(dir string, t ecs.ExecTarget, now time.Time) (*os.File, error) {
	if dir == "" || t.Logging == ecs.ExecLoggingNone {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.OpenFile(filepath.Join(dir, t.SessionID+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open session log: %w", err)
	}
	if _, err := fmt.Fprintf(f, "# ECS Exec session %s, %s\n# task %s container %s\n# command %s\n",
		t.SessionID, now.UTC().Format(time.RFC3339), t.TaskARN, t.ContainerName, t.CommandText); err != nil {
		f.Close()
		return nil, fmt.Errorf("write session log: %w", err)
	}
	return f, nil
}
