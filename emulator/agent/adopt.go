package agent

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// keyFile holds the agent's secret in the state directory. Container metadata tokens
// and credentials IDs are derived from it, so that after a restart the agent can serve
// the containers it adopts under the URIs they already have in their environment, while
// other containers still cannot guess them.
const keyFile = "agent.key"

// loadKey reads the agent's secret, creating it on first use; without a state
// directory the secret lives only as long as the process.
func loadKey(stateDir string) ([]byte, error) {
	key := make([]byte, 32)
	if stateDir == "" {
		_, err := rand.Read(key)
		return key, err
	}
	path := filepath.Join(stateDir, keyFile)
	b, err := os.ReadFile(path)
	if err == nil && len(b) == 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("agent key: %w", err)
	}
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("agent key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("agent key: %w", err)
	}
	return key, nil
}

// derive is a keyed hash of parts: stable across restarts, unguessable without the key.
func (a *Agent) derive(parts ...string) string {
	m := hmac.New(sha256.New, a.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return hex.EncodeToString(m.Sum(nil))
}

// tokenFor is a container's metadata token.
func (a *Agent) tokenFor(taskARN, container string) string {
	return a.derive("metadata", taskARN, container)[:32]
}

// credentialsIDFor is a task role's credentials ID, shaped like ECS's (a UUID).
func (a *Agent) credentialsIDFor(taskARN, role string) string {
	h := a.derive("credentials", taskARN, role)
	return h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// Adopt takes over a task whose containers outlived the previous ecsmini (it was
// killed): the runner starts from the containers the runtime still has, found by their
// labels, instead of provisioning new ones. Containers that exited meanwhile are
// reported as they exited (code, time, OOM) before they are removed.
func (a *Agent) Adopt(taskARN string, found []containers.State) {
	ids := map[string]string{}
	pause := ""
	for _, c := range found {
		switch name := c.Labels[LabelContainerName]; {
		case name == pauseContainerName || c.Labels[LabelPausePool] != "":
			pause = c.ID
		case name == "":
		default:
			ids[name] = c.ID
		}
	}
	if pause != "" {
		a.pool.mu.Lock()
		a.pool.taken[pause] = taskARN // its events carry no task labels
		a.pool.mu.Unlock()
	}
	a.launch(taskARN, &adoption{ids: ids, pauseID: pause})
}

// Adoptable reports whether the containers found of an unfinished task are worth taking
// over: one still runs, or one of the task's own containers (not its pause container)
// exited while ecsmini was not running, and the task's record must show how before
// the container goes. Otherwise the task's containers are gone.
func Adoptable(found []containers.State) bool {
	for _, c := range found {
		if c.Status == containers.Running {
			return true
		}
		if name := c.Labels[LabelContainerName]; name != "" && name != pauseContainerName && c.Status == containers.Exited {
			return true
		}
	}
	return false
}

// adoption is what a runner starts from when it adopts a task.
type adoption struct {
	ids     map[string]string
	pauseID string
}

// pauseContainerName is the container name ECS gives a task's pause container.
const pauseContainerName = "~internal~ecs~pause"

// resume rebuilds an adopted task's network view from its containers. A container the
// task had created that is not found any more was removed while ecsmini was not
// running: its recorded runtime ID makes observe report it so, rather than the plan
// start it again. A task with a task network (awsvpc, or bridge with Service Connect)
// whose pause container is gone has lost its network.
func (r *runner) resume(ctx context.Context, ad *adoption, task *ecs.Task) {
	r.ids, r.pauseID = ad.ids, ad.pauseID
	for _, c := range task.Containers {
		if _, ok := r.ids[c.Name]; !ok && c.RuntimeID != "" {
			r.ids[c.Name] = c.RuntimeID
		}
	}
	switch {
	case r.pauseID != "":
		// The pause container's proxy still targets the cluster network's gateway: make
		// sure ecsmini listens there again, and owns the network for Shutdown.
		netName := clusterNetwork(r.info.StateDir, r.info.ClusterName)
		r.a.ensuredNetwork(netName)
		if _, err := r.reach(ctx, netName); err != nil {
			r.a.cfg.Log.Error("metadata endpoint unreachable from the task network", "task", r.arn, "err", err)
		}
		r.network, r.base, r.loopback = "container:"+r.pauseID, "http://"+taskAgentPort, true
	case r.taskNet:
		r.network, r.lostNetwork = ecs.NetworkNone, pauseMissingAtAdopt
		r.a.ensuredNetwork(clusterNetwork(r.info.StateDir, r.info.ClusterName))
	case r.info.NetworkMode == "host":
		r.network = "host"
		if reach, err := r.reach(ctx, ""); err == nil && reach != "" {
			r.base, r.loopback = "http://"+reach, true
		}
	case r.info.NetworkMode == "none":
		r.network = "none"
	default:
		r.network = "bridge"
		if reach, err := r.reach(ctx, "bridge"); err == nil && reach != "" {
			r.base = "http://" + reach
		}
	}
}

// TaskContainers lists a task's containers by their labels, with its pause container
// when that was a pooled one: it carries no task labels (they cannot change after a
// task takes it), and the task's containers name it in LabelPauseID.
func TaskContainers(ctx context.Context, rt containers.Runtime, taskARN string) ([]containers.State, error) {
	found, err := rt.List(ctx, map[string]string{LabelTaskARN: taskARN})
	if err != nil {
		return nil, err
	}
	for _, c := range found {
		id := c.Labels[LabelPauseID]
		if id == "" || slices.ContainsFunc(found, func(f containers.State) bool { return f.ID == id }) {
			continue
		}
		st, err := rt.Inspect(ctx, id)
		switch {
		case isGone(err):
			continue
		case err != nil:
			return nil, err
		}
		found = append(found, st)
	}
	return found, nil
}
