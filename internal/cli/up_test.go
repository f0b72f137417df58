package cli

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

func TestUpServesAndPersistsAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	addr, out, stop := startUp(t, upOptions{stateDir: dir, runtime: "sim", region: "us-east-1", accountID: "123456789012"})
	if !strings.Contains(out.String(), "export AWS_ENDPOINT_URL_ECS=http://"+addr) {
		t.Errorf("up did not print the endpoint line:\n%s", out)
	}
	h, err := probe(context.Background(), "http://"+addr, time.Second)
	if err != nil || h.Runtime != "sim" || h.AccountID != "123456789012" || h.StateDir != dir {
		t.Fatalf("health = %+v, %v", h, err)
	}
	if code, m := call(t, addr, "CreateCluster", `{"clusterName":"keep"}`); code != 200 {
		t.Fatalf("CreateCluster: %d %v", code, m)
	}
	if err := stop(); err != nil {
		t.Fatalf("up returned %v after a clean stop", err)
	}
	if !strings.Contains(out.String(), "state saved") {
		t.Errorf("no shutdown line:\n%s", out)
	}

	addr2, _, _ := startUp(t, upOptions{stateDir: dir, runtime: "sim", region: "us-east-1", accountID: "123456789012"})
	_, m := call(t, addr2, "DescribeClusters", `{"clusters":["keep"]}`)
	if cs, _ := m["clusters"].([]any); len(cs) != 1 {
		t.Fatalf("cluster lost across restart: %v", m)
	}
}

func TestUpRefusesBadStart(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		o    upOptions
		env  map[string]string
		want string
	}{
		{name: "unknown runtime", o: upOptions{runtime: "podman"}, want: "--runtime must be docker or sim"},
		{name: "port in use", o: upOptions{runtime: "sim", listen: busy.Addr().String()}, want: "is another ecsmini running"},
		{name: "docker unreachable", o: upOptions{runtime: "docker"}, env: map[string]string{"DOCKER_HOST": "unix:///nonexistent/docker.sock"}, want: "--runtime sim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.o.stateDir = t.TempDir()
			var out bytes.Buffer
			err := runUp(context.Background(), tt.o, &out, &out, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestUpRefusesStateInUse(t *testing.T) {
	dir := t.TempDir()
	startUp(t, upOptions{stateDir: dir, runtime: "sim"})
	var out bytes.Buffer
	err := runUp(context.Background(), upOptions{stateDir: dir, runtime: "sim", listen: "127.0.0.1:0"}, &out, &out, nil)
	if err == nil || !strings.Contains(err.Error(), "in use by another ecsmini") {
		t.Fatalf("err = %v", err)
	}
}

func TestEnvPrintsExports(t *testing.T) {
	addr, _, _ := startUp(t, upOptions{stateDir: t.TempDir(), runtime: "sim", region: "eu-west-1"})
	var out, errOut bytes.Buffer
	code := Main([]string{"env", "--endpoint", "http://" + addr}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		"export AWS_ENDPOINT_URL_ECS=http://" + addr, "export AWS_ENDPOINT_URL_LOGS=http://" + addr, "export AWS_ENDPOINT_URL_CLOUDWATCH_LOGS=http://" + addr,
		"export AWS_ENDPOINT_URL_STS=http://" + addr, "export AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING=http://" + addr, "export AWS_REGION=eu-west-1",
		"export AWS_DEFAULT_REGION=eu-west-1", "export AWS_ACCESS_KEY_ID=", "export AWS_SECRET_ACCESS_KEY=",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("env output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEnvWithNothingRunningStillPrints(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main([]string{"env", "--endpoint", "http://127.0.0.1:1"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errOut.String(), "no ecsmini answers") || !strings.Contains(out.String(), "AWS_REGION=us-east-1") {
		t.Fatalf("stdout %q stderr %q", out.String(), errOut.String())
	}
}

func TestVersion(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"version"}, 0, "ecsmini dev"},
		{[]string{"version", "-o", "json"}, 0, `"version":"dev"`},
		{[]string{"version", "-o", "yaml"}, 1, "--output must be text or json"},
		{[]string{"frobnicate"}, 1, "unknown command"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		if code := Main(tt.args, &out, &out); code != tt.code || !strings.Contains(out.String(), tt.want) {
			t.Errorf("%v: exit %d output %q; want %d and %q", tt.args, code, out.String(), tt.code, tt.want)
		}
	}
}
