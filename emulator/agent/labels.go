package agent

import (
	"maps"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Docker labels on everything ecsmini runs. The com.amazonaws.ecs.* keys are the ones the
// real ECS agent sets, so tools written against ECS hosts (log routers, monitoring agents)
// recognise ecsmini's containers; the ecsmini.* keys are ecsmini's own ground truth link
// (DESIGN principle 6): on start it lists containers by LabelManaged and adopts or reaps
// them by LabelTaskARN and LabelClusterARN.
const (
	LabelCluster          = "com.amazonaws.ecs.cluster" // cluster name, as the agent sets it
	LabelTaskARN          = "com.amazonaws.ecs.task-arn"
	LabelContainerName    = "com.amazonaws.ecs.container-name"
	LabelTaskDefFamily    = "com.amazonaws.ecs.task-definition-family"
	LabelTaskDefVersion   = "com.amazonaws.ecs.task-definition-version"
	LabelClusterARN       = "ecsmini.cluster" // cluster ARN: names repeat across accounts and regions
	LabelECSMiniTaskARN   = "ecsmini.task-arn"
	LabelECSMiniContainer = "ecsmini.container-name"
	LabelManaged          = "ecsmini.managed" // "true" on everything ecsmini created
	LabelStateDir         = "ecsmini.state-dir"
	// LabelContainerInstance is the simulated container instance an EC2 task is placed
	// on, so `docker ps` tells which instance runs what.
	LabelContainerInstance = "ecsmini.container-instance"
	ManagedValue           = "true"
	ecsminiLabelPrefix     = "ecsmini."
	// simDirectivePrefix marks dockerLabels that tell the simulated runtime how a
	// container behaves; they are user input, not ecsmini's link labels.
	simDirectivePrefix   = "ecsmini.sim/"
	dockerNamePrefix     = "ecs-"
	dockerNameValidChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
)

// TaskInfo is what a container's spec needs to know about its task. CPU and Memory are the
// task-level size in CPU units and MiB (0 when the task sets none); the caller parses ECS's
// string forms ("1 vCPU", "2 GB") before building a spec.
type TaskInfo struct {
	ARN, ID                 string
	ClusterName, ClusterARN string
	Family                  string
	Revision                int
	LaunchType              string // EC2, FARGATE or EXTERNAL
	NetworkMode             string // the task definition's: awsvpc, bridge, host or none ("" = bridge)
	CPU, Memory             int
	Region, Account         string
	// StateDir, when set, is recorded in LabelStateDir so that `ecsmini down` can tell
	// which ecsmini instance owns a container.
	StateDir string
	// ContainerInstanceARN is the simulated instance the task is placed on, if any.
	ContainerInstanceARN string
	// LocalBinds are host paths bound, on this machine only, into task volumes that
	// have no source (volume name → absolute path), from the task's LocalBindTagPrefix
	// tags: how a compose bind mount of a Fargate service reaches its files locally
	// while its task definition stays valid for Fargate.
	LocalBinds map[string]string
}

// LocalBindTagPrefix is ecs.LocalBindTagPrefix, the tags LocalBinds come from.
const LocalBindTagPrefix = ecs.LocalBindTagPrefix

// TaskLabels are the labels shared by every container, network and volume of a task
// (everything but the container name), so the pause container and task networks carry
// the same link as the task's containers.
func TaskLabels(t TaskInfo) map[string]string {
	l := map[string]string{
		LabelCluster:        t.ClusterName,
		LabelTaskARN:        t.ARN,
		LabelTaskDefFamily:  t.Family,
		LabelTaskDefVersion: strconv.Itoa(t.Revision),
		LabelClusterARN:     t.ClusterARN,
		LabelECSMiniTaskARN: t.ARN,
		LabelManaged:        ManagedValue,
	}
	if t.StateDir != "" {
		l[LabelStateDir] = t.StateDir
	}
	if t.ContainerInstanceARN != "" {
		l[LabelContainerInstance] = t.ContainerInstanceARN
	}
	return l
}

// ContainerLabels merges a container definition's dockerLabels with the task's labels
// and the container name. As in the real agent, which writes its labels after the user's
// "such that it will always override duplicates", the agent's com.amazonaws.ecs.* labels
// win over dockerLabels of the same key; other com.amazonaws.ecs.* dockerLabels are kept.
// The ecsmini.* namespace is reserved: a dockerLabel there is dropped, because a
// stray ecsmini.managed or ecsmini.task-arn would make ecsmini adopt or reap the wrong
// containers; only the simulator's ecsmini.sim/ directives pass.
func ContainerLabels(t TaskInfo, containerName string, dockerLabels map[string]string) map[string]string {
	l := make(map[string]string, len(dockerLabels)+9)
	for k, v := range dockerLabels {
		if !strings.HasPrefix(k, ecsminiLabelPrefix) || strings.HasPrefix(k, simDirectivePrefix) {
			l[k] = v
		}
	}
	maps.Copy(l, TaskLabels(t))
	l[LabelContainerName] = containerName
	l[LabelECSMiniContainer] = containerName
	return l
}

// DockerName is the engine name of a task's container, shaped like the real agent's
// "ecs-<family>-<revision>-<container>-<random>" but ending in the task ID instead of
// random hex, so the name is unique per task yet predictable (`docker ps` shows which
// task a container belongs to). Characters Docker rejects become '-'.
func DockerName(t TaskInfo, containerName string) string {
	name := dockerNamePrefix + t.Family + "-" + strconv.Itoa(t.Revision) + "-" + containerName + "-" + t.ID
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(dockerNameValidChars, r) {
			return r
		}
		return '-'
	}, name)
}
