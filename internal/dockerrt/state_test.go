package dockerrt

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"

	"github.com/ecsmini/ecsmini/emulator/containers"
)

// inspectJSON is the shape of Docker 20.10's GET /containers/{id}/json, trimmed to the
// fields toState reads; %s are the State, NetworkSettings.Ports and HostConfig.PortBindings.
const inspectJSON = `{
  "Id": "c0ffee", "Created": "2026-05-07T10:00:00.123456789Z", "Name": "/web",
  "Image": "sha256:1234",
  "State": %s,
  "HostConfig": {"PortBindings": %s},
  "Config": {"Image": "ecsmini:test", "Labels": {"ecsmini.test": "1"}},
  "NetworkSettings": {"Ports": %s, "Networks": {
    "bridge": {"IPAddress": "172.17.0.2"}, "ecsmini-x": {"IPAddress": "172.30.0.5"}, "none": {"IPAddress": ""}}}
}`

func TestToState(t *testing.T) {
	created := time.Date(2026, 5, 7, 10, 0, 0, 123456789, time.UTC)
	started := time.Date(2026, 5, 7, 10, 0, 1, 0, time.UTC)
	finished := time.Date(2026, 5, 7, 10, 0, 9, 0, time.UTC)
	never := `"0001-01-01T00:00:00Z"`
	tests := []struct {
		name                 string
		state, ports, wanted string
		want                 containers.State
	}{
		{"created: requested ports",
			`{"Status":"created","StartedAt":` + never + `,"FinishedAt":` + never + `}`,
			`{}`, `{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}`,
			containers.State{Status: containers.Created, Ports: []containers.PortBinding{{ContainerPort: 8080, Protocol: "tcp", HostIP: "127.0.0.1"}}}},
		{"running healthy: resolved ports, sorted",
			`{"Status":"running","Running":true,"StartedAt":"2026-05-07T10:00:01Z","FinishedAt":` + never + `,"Health":{"Status":"healthy"}}`,
			`{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":"49153"}],"53/udp":[{"HostIp":"127.0.0.1","HostPort":"49154"}]}`,
			`{"8080/tcp":[{"HostIp":"127.0.0.1","HostPort":""}]}`,
			containers.State{Status: containers.Running, Health: containers.HealthHealthy, StartedAt: started, Ports: []containers.PortBinding{
				{ContainerPort: 53, Protocol: "udp", HostIP: "127.0.0.1", HostPort: 49154},
				{ContainerPort: 8080, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 49153},
			}}},
		{"health starting", `{"Status":"running","Health":{"Status":"starting"}}`, `null`, `null`,
			containers.State{Status: containers.Running, Health: containers.HealthStarting}},
		{"paused counts as running", `{"Status":"paused"}`, `null`, `null`, containers.State{Status: containers.Running}},
		{"exited unhealthy with code",
			`{"Status":"exited","ExitCode":3,"StartedAt":"2026-05-07T10:00:01Z","FinishedAt":"2026-05-07T10:00:09Z","Health":{"Status":"unhealthy"}}`,
			`{}`, `null`,
			containers.State{Status: containers.Exited, ExitCode: 3, Health: containers.HealthUnhealthy, StartedAt: started, FinishedAt: finished}},
		{"OOM killed", `{"Status":"exited","ExitCode":137,"OOMKilled":true}`, `{}`, `null`,
			containers.State{Status: containers.Exited, ExitCode: 137, OOMKilled: true}},
		{"dead with error", `{"Status":"dead","ExitCode":128,"Error":"oci runtime error"}`, `{}`, `null`,
			containers.State{Status: containers.Exited, ExitCode: 128, Error: "oci runtime error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in container.InspectResponse
			raw := sprintf(inspectJSON, tt.state, tt.wanted, tt.ports)
			if err := json.Unmarshal([]byte(raw), &in); err != nil {
				t.Fatal(err)
			}
			want := tt.want
			want.ID, want.Name, want.Image, want.ImageID, want.CreatedAt = "c0ffee", "web", "ecsmini:test", "sha256:1234", created
			want.Labels = map[string]string{"ecsmini.test": "1"}
			want.IPAddresses = map[string]string{"bridge": "172.17.0.2", "ecsmini-x": "172.30.0.5"}
			eq(t, "state", toState(in), want)
		})
	}
}

func TestToStateEmpty(t *testing.T) {
	eq(t, "state", toState(container.InspectResponse{}), containers.State{Status: containers.Created})
}

func TestToStats(t *testing.T) {
	var s container.StatsResponse
	raw := `{"read":"2026-05-07T10:00:00Z","pids_stats":{"current":3},
	  "cpu_stats":{"cpu_usage":{"total_usage":500,"percpu_usage":[250,250]},"system_cpu_usage":9000},
	  "memory_stats":{"usage":1048576,"limit":67108864},
	  "networks":{"eth0":{"rx_bytes":10,"tx_bytes":20},"eth1":{"rx_bytes":1,"tx_bytes":2}}}`
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	eq(t, "stats", toStats(s), containers.Stats{
		Read: time.Date(2026, 5, 7, 10, 0, 0, 0, time.UTC), CPUTotalNanos: 500, SystemCPUNanos: 9000, OnlineCPUs: 2,
		MemoryUsage: 1 << 20, MemoryLimit: 64 << 20, NetworkRxBytes: 11, NetworkTxBytes: 22, PIDs: 3,
	})
}
