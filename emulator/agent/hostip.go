package agent

import (
	"hash/fnv"
	"strconv"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// InstanceHostIP is the loopback address a simulated container instance publishes its
// bridge-mode tasks' ports on. Each instance gets its own address in 127.64.0.0/10, so
// two instances can both hold static host port 80, as two EC2 hosts can; the address
// follows from the instance ARN alone, so it survives restarts.
func InstanceHostIP(containerInstanceARN string) string {
	h := fnv.New32a()
	_, _ = h.Write([]byte(containerInstanceARN)) // hash writes never fail
	v := h.Sum32()
	last := v & 0xff
	if last == 0 || last == 0xff {
		last = 1
	}
	return "127." + strconv.Itoa(int(64+(v>>16)&63)) + "." + strconv.Itoa(int((v>>8)&0xff)) + "." + strconv.Itoa(int(last))
}

// publishIP is where a task's containers publish their ports: the instance's own
// loopback address for a bridge-mode task on a simulated instance, else the agent's.
func (r *runner) publishIP() string {
	mode := r.info.NetworkMode
	if r.info.ContainerInstanceARN != "" && (mode == "" || mode == ecs.NetworkBridge) {
		return InstanceHostIP(r.info.ContainerInstanceARN)
	}
	return r.a.cfg.HostIP
}
