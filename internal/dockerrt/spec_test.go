package dockerrt

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/mount"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/strslice"
	"github.com/docker/go-connections/nat"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

func TestToCreateConfig(t *testing.T) {
	yes := true
	tests := []struct {
		name  string
		spec  containers.Spec
		check func(t *testing.T, cc createConfig)
	}{
		{"process", containers.Spec{
			Image: "img:1", Entrypoint: []string{"/ecsmini"}, Cmd: []string{"workload"},
			Env: []string{"A=1"}, WorkingDir: "/w", User: "1000:1000", Hostname: "h",
			Labels: map[string]string{"k": "v"}, StopSignal: "SIGINT",
		}, func(t *testing.T, cc createConfig) {
			want := &container.Config{
				Image: "img:1", Entrypoint: strslice.StrSlice{"/ecsmini"}, Cmd: strslice.StrSlice{"workload"},
				Env: []string{"A=1"}, WorkingDir: "/w", User: "1000:1000", Hostname: "h",
				Labels: map[string]string{"k": "v"}, StopSignal: "SIGINT",
			}
			eq(t, "config", cc.config, want)
		}},
		{"nil entrypoint and cmd keep the image's", containers.Spec{Image: "img"}, func(t *testing.T, cc createConfig) {
			if cc.config.Entrypoint != nil || cc.config.Cmd != nil {
				t.Errorf("entrypoint %v cmd %v, want nil", cc.config.Entrypoint, cc.config.Cmd)
			}
			if cc.host.Memory != 0 || cc.host.MemorySwap != 0 || cc.host.CPUShares != 0 || cc.host.Init != nil {
				t.Errorf("resources %+v init %v, want engine defaults", cc.host.Resources, cc.host.Init)
			}
		}},
		{"resources: no swap, shares", containers.Spec{MemoryLimit: 64 << 20, MemoryReservation: 32 << 20, CPUShares: 256, NanoCPUs: 5e8},
			func(t *testing.T, cc createConfig) {
				want := container.Resources{Memory: 64 << 20, MemorySwap: 64 << 20, MemoryReservation: 32 << 20, CPUShares: 256, NanoCPUs: 5e8}
				eq(t, "resources", cc.host.Resources, want)
			}},
		{"cpu shares minimum 2", containers.Spec{CPUShares: 1}, func(t *testing.T, cc createConfig) {
			eq(t, "shares", cc.host.CPUShares, int64(2))
		}},
		{"ports default to loopback, 0 is engine-chosen", containers.Spec{Ports: []containers.PortBinding{
			{ContainerPort: 80}, {ContainerPort: 53, Protocol: "udp", HostIP: "0.0.0.0", HostPort: 5353},
		}}, func(t *testing.T, cc createConfig) {
			eq(t, "exposed", cc.config.ExposedPorts, nat.PortSet{"80/tcp": {}, "53/udp": {}})
			eq(t, "bindings", cc.host.PortBindings, nat.PortMap{
				"80/tcp": {{HostIP: "127.0.0.1", HostPort: ""}},
				"53/udp": {{HostIP: "0.0.0.0", HostPort: "5353"}},
			})
		}},
		{"bridge mode has no endpoint config", containers.Spec{NetworkMode: "bridge", Aliases: []string{"a"}}, func(t *testing.T, cc createConfig) {
			eq(t, "mode", cc.host.NetworkMode, container.NetworkMode("bridge"))
			if cc.networking != nil {
				t.Errorf("networking = %+v, want nil", cc.networking)
			}
		}},
		{"container mode", containers.Spec{NetworkMode: "container:abc"}, func(t *testing.T, cc createConfig) {
			eq(t, "mode", cc.host.NetworkMode, container.NetworkMode("container:abc"))
			if cc.networking != nil {
				t.Errorf("networking = %+v, want nil", cc.networking)
			}
		}},
		{"named network with aliases", containers.Spec{NetworkMode: "ecsmini-default", Aliases: []string{"web", "web.local"}},
			func(t *testing.T, cc createConfig) {
				eq(t, "networking", cc.networking, &network.NetworkingConfig{EndpointsConfig: map[string]*network.EndpointSettings{
					"ecsmini-default": {Aliases: []string{"web", "web.local"}},
				}})
			}},
		{"health check", containers.Spec{Health: &containers.HealthCheck{
			Test: []string{"CMD", "/probe"}, Interval: time.Second, Timeout: 2 * time.Second, StartPeriod: 3 * time.Second, Retries: 2,
		}}, func(t *testing.T, cc createConfig) {
			eq(t, "health", cc.config.Healthcheck, &container.HealthConfig{
				Test: []string{"CMD", "/probe"}, Interval: time.Second, Timeout: 2 * time.Second, StartPeriod: 3 * time.Second, Retries: 2,
			})
		}},
		{"host options", containers.Spec{
			DNS: []string{"1.1.1.1"}, ExtraHosts: []string{"db:10.0.0.2"}, Init: true, ReadonlyRootfs: true, Privileged: true,
			CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"MKNOD"}, Tmpfs: map[string]string{"/run": "size=1m"},
			ShmSize: 1 << 20, Ulimits: []containers.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}}, VolumesFrom: []string{"abc:ro"},
		}, func(t *testing.T, cc createConfig) {
			h := cc.host
			eq(t, "dns", h.DNS, []string{"1.1.1.1"})
			eq(t, "extra hosts", h.ExtraHosts, []string{"db:10.0.0.2"})
			eq(t, "init", h.Init, &yes)
			eq(t, "flags", [2]bool{h.ReadonlyRootfs, h.Privileged}, [2]bool{true, true})
			eq(t, "caps", [2]strslice.StrSlice{h.CapAdd, h.CapDrop}, [2]strslice.StrSlice{{"NET_ADMIN"}, {"MKNOD"}})
			eq(t, "tmpfs", h.Tmpfs, map[string]string{"/run": "size=1m"})
			eq(t, "shm", h.ShmSize, int64(1<<20))
			eq(t, "ulimits", h.Ulimits, []*container.Ulimit{{Name: "nofile", Soft: 1024, Hard: 2048}})
			eq(t, "volumes from", h.VolumesFrom, []string{"abc:ro"})
		}},
		{"mounts", containers.Spec{Mounts: []containers.Mount{
			{Type: "bind", Source: "/host", Target: "/data", ReadOnly: true},
			{Type: "volume", Source: "vol", Target: "/v", VolumeLabels: map[string]string{"ecsmini.test": "1"}},
			{Type: "volume", Target: "/anon"},
			{Type: "tmpfs", Target: "/tmp"},
		}}, func(t *testing.T, cc createConfig) {
			eq(t, "binds", cc.host.Binds, []string{"/host:/data:ro"})
			eq(t, "mounts", cc.host.Mounts, []mount.Mount{
				{Type: mount.TypeVolume, Source: "vol", Target: "/v", VolumeOptions: &mount.VolumeOptions{Labels: map[string]string{"ecsmini.test": "1"}}},
				{Type: mount.TypeVolume, Target: "/anon"},
				{Type: mount.TypeTmpfs, Target: "/tmp"},
			})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cc, err := toCreateConfig(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cc)
		})
	}
}

func TestToCreateConfigRejects(t *testing.T) {
	tests := []struct {
		name, want string
		spec       containers.Spec
	}{
		{"protocol", "protocol", containers.Spec{Ports: []containers.PortBinding{{ContainerPort: 80, Protocol: "sctp2"}}}},
		{"port range", "out of range", containers.Spec{Ports: []containers.PortBinding{{ContainerPort: 70000}}}},
		{"mount type", "type", containers.Spec{Mounts: []containers.Mount{{Type: "npipe", Target: "/x"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := toCreateConfig(tt.spec); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func eq[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
