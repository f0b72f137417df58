package agent

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func TestPlanVolumes(t *testing.T) {
	info := TaskInfo{ARN: "arn:aws:ecs:us-east-1:000000000000:task/default/0123456789abcdef0123456789abcdef",
		ID: "0123456789abcdef0123456789abcdef", ClusterName: "default", Family: "web", Revision: 3,
		LaunchType: ecs.LaunchEC2, StateDir: "/state"}
	taskName := func(v string) string { return "ecs-web-3-" + v + "-0123456789abcdef0123456789abcdef" }
	dvc := func(scope string, auto bool) *ecs.DockerVolumeConfiguration {
		return &ecs.DockerVolumeConfiguration{Scope: ecs.Ptr(scope), Autoprovision: ecs.Ptr(auto), Driver: ecs.Ptr("local"),
			DriverOpts: map[string]string{"type": "tmpfs", "device": "tmpfs"},
			Labels:     map[string]string{"team": "a", LabelManaged: "false"}}
	}
	vol := func(name string) ecs.Volume { return ecs.Volume{Name: ecs.Ptr(name)} }
	for _, tc := range []struct {
		name    string
		launch  string
		vol     ecs.Volume
		mount   TaskVolume
		ensure  string // "name driver scope", "" when nothing is created
		remove  bool
		require bool
		wantErr string
	}{
		{name: "bare volume is task-scoped", vol: vol("data"),
			mount: TaskVolume{Type: "volume", Source: taskName("data")}, ensure: taskName("data") + "  task", remove: true},
		{name: "empty host is task-scoped", vol: ecs.Volume{Name: ecs.Ptr("data"), Host: &ecs.HostVolumeProperties{}},
			mount: TaskVolume{Type: "volume", Source: taskName("data")}, ensure: taskName("data") + "  task", remove: true},
		{name: "Fargate bind mount is task-scoped", launch: ecs.LaunchFargate, vol: vol("data"),
			mount: TaskVolume{Type: "volume", Source: taskName("data")}, ensure: taskName("data") + "  task", remove: true},
		{name: "host sourcePath binds", vol: ecs.Volume{Name: ecs.Ptr("logs"), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr("/var/log/app")}},
			mount: TaskVolume{Type: "bind", Source: "/var/log/app"}},
		{name: "host sourcePath on Fargate", launch: ecs.LaunchFargate,
			vol:     ecs.Volume{Name: ecs.Ptr("logs"), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr("/var/log/app")}},
			wantErr: "not supported on Fargate"},
		{name: "relative sourcePath", vol: ecs.Volume{Name: ecs.Ptr("logs"), Host: &ecs.HostVolumeProperties{SourcePath: ecs.Ptr("logs")}},
			wantErr: "not an absolute path"},
		{name: "docker task scope", vol: ecs.Volume{Name: ecs.Ptr("scratch"), DockerVolumeConfiguration: dvc("task", false)},
			mount: TaskVolume{Type: "volume", Source: taskName("scratch")}, ensure: taskName("scratch") + " local task", remove: true},
		{name: "docker default scope is task", vol: ecs.Volume{Name: ecs.Ptr("scratch"), DockerVolumeConfiguration: &ecs.DockerVolumeConfiguration{}},
			mount: TaskVolume{Type: "volume", Source: taskName("scratch")}, ensure: taskName("scratch") + "  task", remove: true},
		{name: "docker shared autoprovision", vol: ecs.Volume{Name: ecs.Ptr("cache"), DockerVolumeConfiguration: dvc("shared", true)},
			mount: TaskVolume{Type: "volume", Source: "cache"}, ensure: "cache local shared"},
		{name: "docker shared must exist", vol: ecs.Volume{Name: ecs.Ptr("cache"), DockerVolumeConfiguration: dvc("shared", false)},
			mount: TaskVolume{Type: "volume", Source: "cache"}, require: true},
		{name: "autoprovision on a task volume", vol: ecs.Volume{Name: ecs.Ptr("x"), DockerVolumeConfiguration: dvc("task", true)},
			wantErr: "only valid for shared"},
		{name: "unknown scope", vol: ecs.Volume{Name: ecs.Ptr("x"), DockerVolumeConfiguration: dvc("global", false)},
			wantErr: `scope "global"`},
		{name: "EFS stand-in", vol: ecs.Volume{Name: ecs.Ptr("efs"), EfsVolumeConfiguration: &ecs.EFSVolumeConfiguration{FileSystemID: "fs-1234"}},
			mount: TaskVolume{Type: "volume", Source: "ecsmini-efs-fs-1234"}, ensure: "ecsmini-efs-fs-1234  shared"},
		{name: "no name", vol: ecs.Volume{}, wantErr: "no name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := info
			if tc.launch != "" {
				in.LaunchType = tc.launch
			}
			p, err := planVolumes(in, []ecs.Volume{tc.vol})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			name := ecs.Deref(tc.vol.Name)
			if got := p.mounts[name]; got.Type != tc.mount.Type || got.Source != tc.mount.Source {
				t.Errorf("mount %+v, want %+v", got, tc.mount)
			}
			var ensured string
			if len(p.ensure) > 0 {
				ensured = describeVolumeSpec(p.ensure[0])
				checkVolumeLabels(t, p.ensure[0], in)
			}
			if ensured != tc.ensure || len(p.ensure) > 1 {
				t.Errorf("ensure %v (%q), want %q", p.ensure, ensured, tc.ensure)
			}
			if got := len(p.remove) == 1 && p.remove[0] == tc.mount.Source; got != tc.remove || (!tc.remove && len(p.remove) > 0) {
				t.Errorf("remove %v, want the volume removed: %v", p.remove, tc.remove)
			}
			if got := slices.Equal(p.require, []string{name}); got != tc.require {
				t.Errorf("require %v, want %v", p.require, tc.require)
			}
		})
	}
}

func describeVolumeSpec(v containers.VolumeSpec) string {
	scope := "shared"
	if v.Labels[LabelTaskARN] != "" {
		scope = "task"
	}
	return fmt.Sprintf("%s %s %s", v.Name, v.Driver, scope)
}

// checkVolumeLabels: the user's labels are kept except in the ecsmini.* namespace, and
// ecsmini's link labels are there.
func checkVolumeLabels(t *testing.T, v containers.VolumeSpec, info TaskInfo) {
	t.Helper()
	if v.Labels[LabelManaged] != ManagedValue || v.Labels[LabelStateDir] != info.StateDir {
		t.Errorf("labels %v lack ecsmini's", v.Labels)
	}
	if v.Driver != "" && v.Labels["team"] != "a" {
		t.Errorf("labels %v lost the definition's", v.Labels)
	}
}

func TestPlanVolumesDuplicate(t *testing.T) {
	_, err := planVolumes(TaskInfo{Family: "f", ID: "x"}, []ecs.Volume{{Name: ecs.Ptr("a")}, {Name: ecs.Ptr("a")}})
	if err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("error %v, want one about a volume defined twice", err)
	}
}
