package agent

import (
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// A sourceless task volume named by a local bind tag is a bind mount of that host path
// (a compose bind mount on Fargate); other volumes and relative paths are not.
func TestPlanVolumesLocalBinds(t *testing.T) {
	vols := []ecs.Volume{{Name: ecs.Ptr("bind-0")}, {Name: ecs.Ptr("scratch")}}
	info := TaskInfo{ARN: "arn:aws:ecs:us-east-1:000000000000:task/c/0123", ID: "0123", LaunchType: ecs.LaunchFargate,
		LocalBinds: localBinds([]ecs.Tag{{Key: ecs.Ptr(LocalBindTagPrefix + "bind-0"), Value: ecs.Ptr("/home/me/app")}, {Key: ecs.Ptr("team"), Value: ecs.Ptr("x")}})}
	p, err := planVolumes(info, vols)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.mounts["bind-0"]; got.Type != "bind" || got.Source != "/home/me/app" {
		t.Errorf("bind-0 = %+v, want a bind of /home/me/app", got)
	}
	if got := p.mounts["scratch"]; got.Type != "volume" {
		t.Errorf("scratch = %+v, want a task volume", got)
	}
	info.LocalBinds = map[string]string{"bind-0": "relative/dir"}
	if _, err := planVolumes(info, vols); err == nil {
		t.Error("a relative local bind was accepted")
	}
}
