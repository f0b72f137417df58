package sim

import (
	"context"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// Exec always fails: a simulated container is a record with no process to enter. The
// message reaches the user of `aws ecs execute-command` and `ecsmini exec`.
func (r *Runtime) Exec(ctx context.Context, id string, spec containers.ExecSpec) (containers.Process, error) {
	if _, err := r.Inspect(ctx, id); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: there is no container to enter on the simulated runtime (ecsmini up --runtime sim); run ecsmini with --runtime docker to open a shell in a task", containers.ErrExecUnsupported)
}
