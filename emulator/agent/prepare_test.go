package agent

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/agent/agenttest"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// recordingRuntime is the sim with the specs of the containers it created, since the
// port reports no environment back.
type recordingRuntime struct {
	*sim.Runtime
	mu    sync.Mutex
	specs map[string]containers.Spec // by ECS container name
}

func (r *recordingRuntime) Create(ctx context.Context, spec containers.Spec) (string, error) {
	r.mu.Lock()
	r.specs[spec.Labels[LabelContainerName]] = spec
	r.mu.Unlock()
	return r.Runtime.Create(ctx, spec)
}

func (r *recordingRuntime) spec(container string) (containers.Spec, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.specs[container]
	return s, ok
}

type prepEnv struct {
	store *agenttest.Store
	rt    *recordingRuntime
	agent *Agent
	seq   int
}

func newPrepEnv(t *testing.T, secrets SecretSource) *prepEnv {
	t.Helper()
	clk := clock.NewFake(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	rt := &recordingRuntime{Runtime: sim.New(clk, sim.Options{}), specs: map[string]containers.Spec{}}
	store := agenttest.NewStore()
	a := New(Config{Runtime: rt, Clock: clk, Store: store, Region: "us-east-1", Account: "000000000000",
		PauseImage: "pause", Secrets: secrets})
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); a.Wait() })
	return &prepEnv{store: store, rt: rt, agent: a}
}

// run records a task of td (EC2, bridge) and launches it.
func (e *prepEnv) run(td *ecs.TaskDefinition, overrides *ecs.TaskOverride) string {
	e.seq++
	id := fmt.Sprintf("%032x", e.seq)
	arn := "arn:aws:ecs:us-east-1:000000000000:task/default/" + id
	task := &ecs.Task{TaskArn: arn, ClusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/default",
		DesiredStatus: ecs.StatusRunning, LastStatus: ecs.StatusProvisioning, LaunchType: ecs.LaunchEC2, Overrides: overrides}
	for _, cd := range td.ContainerDefinitions {
		task.Containers = append(task.Containers, ecs.Container{Name: ecs.Deref(cd.Name), TaskArn: arn, Image: ecs.Deref(cd.Image)})
	}
	e.store.Put(task, td)
	e.agent.Launch(arn)
	return arn
}

func (e *prepEnv) waitStatus(t *testing.T, arn string, want ecs.TaskStatus) *ecs.Task {
	t.Helper()
	deadline := time.After(10 * time.Second) // a hang, not a timing: the agent commits each step
	for {
		changed := e.store.Changed() // before the read, so no write between them is missed
		task, _, err := e.store.Task(arn)
		if err != nil {
			t.Fatal(err)
		}
		if task.LastStatus == want {
			return task
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("task is %v (desired %v, reason %q), never became %v", task.LastStatus, task.DesiredStatus, task.StoppedReason, want)
		}
	}
}

func (e *prepEnv) stop(t *testing.T, arn string) *ecs.Task {
	t.Helper()
	if _, err := e.store.UpdateTask(arn, func(t *ecs.Task) error {
		t.DesiredStatus, t.StopCode, t.StoppedReason = ecs.StatusStopped, ecs.StopUserInitiated, "test"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	e.agent.Nudge(arn)
	return e.waitStatus(t, arn, ecs.StatusStopped)
}

func container(name string, mounts ...string) ecs.ContainerDefinition {
	cd := ecs.ContainerDefinition{Name: ecs.Ptr(name), Image: ecs.Ptr("busybox"), Essential: ecs.Ptr(true)}
	for _, m := range mounts {
		vol, path, _ := strings.Cut(m, ":")
		cd.MountPoints = append(cd.MountPoints, ecs.MountPoint{SourceVolume: ecs.Ptr(vol), ContainerPath: ecs.Ptr(path)})
	}
	return cd
}

func taskDef(containers ...ecs.ContainerDefinition) *ecs.TaskDefinition {
	return &ecs.TaskDefinition{Family: "app", Revision: 1, NetworkMode: ecs.Ptr("bridge"), ContainerDefinitions: containers}
}

// The task's containers mount the same task volume; it carries the task's labels and
// goes when the task stops, while a shared volume stays.
func TestTaskVolumeSharedAndRemovedAtStop(t *testing.T) {
	e := newPrepEnv(t, nil)
	td := taskDef(container("app", "data:/data", "cache:/cache", "host:/host"), container("sidecar", "data:/in"))
	td.Volumes = []ecs.Volume{
		{Name: ecs.Ptr("data")},
		{Name: ecs.Ptr("cache"), DockerVolumeConfiguration: &ecs.DockerVolumeConfiguration{
			Scope: ecs.Ptr("shared"), Autoprovision: ecs.Ptr(true), Labels: map[string]string{"team": "a"}}},
		{Name: ecs.Ptr("host"), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr("/srv/host")}},
	}
	arn := e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)

	app, _ := e.rt.spec("app")
	side, _ := e.rt.spec("sidecar")
	mountOf := func(s containers.Spec, target string) containers.Mount {
		for _, m := range s.Mounts {
			if m.Target == target {
				return m
			}
		}
		t.Fatalf("%s has no mount at %s: %+v", s.Name, target, s.Mounts)
		return containers.Mount{}
	}
	data := mountOf(app, "/data")
	if data.Type != "volume" || !strings.HasPrefix(data.Source, "ecs-app-1-data-") || mountOf(side, "/in").Source != data.Source {
		t.Errorf("app mounts %+v, sidecar %+v: want one task volume in both", data, mountOf(side, "/in"))
	}
	if m := mountOf(app, "/host"); m.Type != "bind" || m.Source != "/srv/host" {
		t.Errorf("host volume mounted as %+v", m)
	}
	if m := mountOf(app, "/cache"); m.Source != "cache" {
		t.Errorf("shared volume mounted as %+v", m)
	}
	v, err := e.rt.InspectVolume(t.Context(), data.Source)
	if err != nil || v.Labels[LabelTaskARN] != arn || v.Labels[LabelManaged] != ManagedValue {
		t.Fatalf("task volume %+v, %v: want it labelled with its task", v, err)
	}
	if got := e.rt.Volumes(map[string]string{LabelTaskARN: arn}); !slices.Equal(got, []string{data.Source}) {
		t.Errorf("volumes of the task: %v", got)
	}

	e.stop(t, arn)
	if got := e.rt.Volumes(map[string]string{LabelTaskARN: arn}); len(got) != 0 {
		t.Errorf("task volumes left after stop: %v", got)
	}
	if _, err := e.rt.InspectVolume(t.Context(), "cache"); err != nil {
		t.Errorf("shared volume removed with the task: %v", err)
	}
	// The next task reuses the shared volume and gets its own task volume.
	arn2 := e.run(td, nil)
	e.waitStatus(t, arn2, ecs.StatusRunning)
	app2, _ := e.rt.spec("app")
	if d2 := mountOf(app2, "/data"); d2.Source == data.Source {
		t.Errorf("second task reuses the first's task volume %s", d2.Source)
	}
	e.stop(t, arn2)
	if err := e.rt.RemoveVolume(t.Context(), "cache"); err != nil {
		t.Fatal(err)
	}
	if got := e.rt.Volumes(nil); len(got) != 0 {
		t.Errorf("volumes left: %v", got)
	}
}

func TestSharedVolumeWithoutAutoprovision(t *testing.T) {
	e := newPrepEnv(t, nil)
	td := taskDef(container("app", "db:/db"))
	td.Volumes = []ecs.Volume{{Name: ecs.Ptr("db"), DockerVolumeConfiguration: &ecs.DockerVolumeConfiguration{Scope: ecs.Ptr("shared")}}}
	arn := e.run(td, nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	want := "CannotCreateVolumeError: initialize volume: volume detection failed, volume 'db' does not exist and autoprovision is set to false"
	if task.StopCode != ecs.StopTaskFailedToStart || !strings.HasPrefix(task.StoppedReason, want) {
		t.Errorf("stopped with %s %q, want TaskFailedToStart %q", task.StopCode, task.StoppedReason, want)
	}
	if _, created := e.rt.spec("app"); created {
		t.Error("a container was created")
	}

	// Once the volume exists, the task runs on it.
	if err := e.rt.EnsureVolume(t.Context(), containers.VolumeSpec{Name: "db"}); err != nil {
		t.Fatal(err)
	}
	arn = e.run(td, nil)
	e.waitStatus(t, arn, ecs.StatusRunning)
	e.stop(t, arn)
	if _, err := e.rt.InspectVolume(t.Context(), "db"); err != nil {
		t.Errorf("the user's shared volume was removed: %v", err)
	}
}

func TestMissingSecretFailsTask(t *testing.T) {
	e := newPrepEnv(t, NewSecrets(map[string]string{"/myapp/api-key": "k"}))
	td := taskDef(container("app"))
	td.ContainerDefinitions[0].Secrets = []ecs.Secret{
		{Name: "KEY", ValueFrom: "/myapp/api-key"},
		{Name: "DB_PASSWORD", ValueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:password::"},
	}
	td.Volumes = []ecs.Volume{{Name: ecs.Ptr("scratch")}}
	arn := e.run(td, nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	want := "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
		"unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret " +
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf from secrets manager: " +
		"ResourceNotFoundException: Secrets Manager can't find the specified secret."
	if task.StopCode != ecs.StopTaskFailedToStart || task.StoppedReason != want {
		t.Errorf("stopped with %s %q\nwant TaskFailedToStart %q", task.StopCode, task.StoppedReason, want)
	}
	if _, created := e.rt.spec("app"); created {
		t.Error("a container was created")
	}
	if got := e.rt.Volumes(nil); len(got) != 0 {
		t.Errorf("volumes left by the failed task: %v", got)
	}
}

// Env files, secrets and the environment reach the container in ECS's precedence;
// the override's environmentFiles replace the definition's.
func TestEnvFilesAndSecretsReachTheContainer(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	common := write("common.env", "# shared settings\nLOG_LEVEL=debug\nFROM_FILE=common\nOVERRIDDEN=file\nQUOTED=\"kept\"\n")
	local := write("local.env", "FROM_FILE=local\nEXTRA=yes\n")
	other := write("other.env", "OTHER=1\n")
	e := newPrepEnv(t, NewSecrets(map[string]string{
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf": `{"password":"s3cret"}`,
		"/myapp/api-key": "k",
	}))
	app := container("app")
	app.EnvironmentFiles = []ecs.EnvironmentFile{{Value: common, Type: "s3"}, {Value: "file://" + local, Type: "s3"}}
	app.Environment = []ecs.KeyValuePair{{Name: ecs.Ptr("OVERRIDDEN"), Value: ecs.Ptr("environment")}}
	app.Secrets = []ecs.Secret{
		{Name: "DB_PASSWORD", ValueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db:password::"},
		{Name: "API_KEY", ValueFrom: "arn:aws:ssm:us-east-1:000000000000:parameter/myapp/api-key"},
	}
	worker := container("worker")
	worker.EnvironmentFiles = []ecs.EnvironmentFile{{Value: common, Type: "s3"}}
	arn := e.run(taskDef(app, worker), &ecs.TaskOverride{ContainerOverrides: []ecs.ContainerOverride{
		{Name: "worker", EnvironmentFiles: []ecs.EnvironmentFile{{Value: other, Type: "s3"}}}}})
	e.waitStatus(t, arn, ecs.StatusRunning)

	env := func(container string) map[string]string {
		s, ok := e.rt.spec(container)
		if !ok {
			t.Fatalf("%s not created", container)
		}
		out := map[string]string{}
		for _, kv := range s.Env {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
		return out
	}
	got := env("app")
	for k, want := range map[string]string{
		"LOG_LEVEL": "debug", "FROM_FILE": "common", "EXTRA": "yes", "QUOTED": `"kept"`,
		"OVERRIDDEN": "environment", "DB_PASSWORD": "s3cret", "API_KEY": "k", "AWS_REGION": "us-east-1",
	} {
		if got[k] != want {
			t.Errorf("app %s=%q, want %q", k, got[k], want)
		}
	}
	w := env("worker")
	if w["OTHER"] != "1" || w["LOG_LEVEL"] != "" {
		t.Errorf("worker env %v: want the override's file only", w)
	}
	e.stop(t, arn)
}

func TestEnvFileFromS3FailsTask(t *testing.T) {
	e := newPrepEnv(t, nil)
	app := container("app")
	app.EnvironmentFiles = []ecs.EnvironmentFile{{Value: "arn:aws:s3:::my-bucket/app.env", Type: "s3"}}
	arn := e.run(taskDef(app), nil)
	task := e.waitStatus(t, arn, ecs.StatusStopped)
	want := "ResourceInitializationError: failed to download env files: arn:aws:s3:::my-bucket/app.env: ecsmini runs offline; use a local path"
	if task.StopCode != ecs.StopTaskFailedToStart || !strings.HasPrefix(task.StoppedReason, want) {
		t.Errorf("stopped with %s %q\nwant TaskFailedToStart %q", task.StopCode, task.StoppedReason, want)
	}
}
