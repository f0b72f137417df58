package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"
	pricing "github.com/ecsmini/ecsmini/fargate"
)

// TestCostCommand runs a service with an on-demand and a Spot task and a standalone
// task on the simulated runtime, moves the clock an hour, and reads the bill as text
// and JSON, with a prices file that changes the Spot vCPU price.
func TestCostCommand(t *testing.T) {
	prices := filepath.Join(t.TempDir(), "prices.json")
	if err := os.WriteFile(prices, []byte(`{"regions":{"us-east-1":{"X86_64":{"spot":{"vcpuHour":0.01}}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	o := upOptions{runtime: "sim", stateDir: t.TempDir()}
	if err := o.prices.Set(prices); err != nil {
		t.Fatal(err)
	}
	addr, _, dc := startDriven(t, o)
	if out := cli(t, addr, false, "cost"); out != "no tasks in cluster default: nothing to cost\n" {
		t.Fatalf("cost with no tasks: %q", out)
	}
	for _, step := range [][2]string{
		{"CreateCluster", `{"clusterName":"shop","capacityProviders":["FARGATE","FARGATE_SPOT"]}`},
		{"RegisterTaskDefinition", `{"family":"web","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
			"containerDefinitions":[{"name":"app","image":"ecsmini-demo:latest","command":["workload"]}]}`},
		{"CreateService", `{"cluster":"shop","serviceName":"web","taskDefinition":"web","desiredCount":2,
			"capacityProviderStrategy":[{"capacityProvider":"FARGATE","base":1,"weight":0},{"capacityProvider":"FARGATE_SPOT","weight":1}],
			"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`},
		{"RunTask", `{"cluster":"shop","taskDefinition":"web","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}`},
	} {
		if status, m := call(t, addr, step[0], step[1]); status != 200 {
			t.Fatalf("%s: %d %v", step[0], status, m)
		}
	}
	var rep emulator.CostReport
	dc.eventually(t, time.Minute, "3 running tasks", func() bool {
		if err := json.Unmarshal([]byte(cli(t, addr, false, "cost", "--cluster", "shop", "-o", "json")), &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Total.Running == 3
	})
	cli(t, addr, false, "clock", "advance", "1h")
	if err := json.Unmarshal([]byte(cli(t, addr, false, "cost", "--cluster", "shop", "-o", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	const (
		onDemand = 0.25*0.04048 + 0.5*0.004445
		spot     = 0.25*0.01 + 0.5*0.0013335 // the file's vCPU price, the built-in GB price
	)
	approx := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > want*0.01 { // an hour and the few seconds the test took
			t.Errorf("%s = %.6f, want ≈ %.6f", what, got, want)
		}
	}
	approx("per hour", rep.Total.PerHour, 2*onDemand+spot)
	approx("cost so far", rep.Total.Cost, 2*onDemand+spot)
	approx("Spot savings", rep.Total.SpotSavings, onDemand-spot)
	if len(rep.Clusters) != 1 || len(rep.Clusters[0].Services) != 1 || len(rep.Clusters[0].Services[0].Tasks) != 2 ||
		len(rep.Clusters[0].Standalone.Tasks) != 1 {
		t.Fatalf("report: %+v", rep.Clusters)
	}
	if !strings.Contains(rep.PriceSource, prices) || rep.Prices["us-east-1"].X86.Spot.VCPUHour != 0.01 {
		t.Errorf("prices %q: %+v", rep.PriceSource, rep.Prices)
	}

	out := cli(t, addr, false, "cost", "--all-clusters")
	for _, want := range []string{"service web (cluster shop)", "standalone tasks (cluster shop)", "FARGATE_SPOT", "web:1",
		"COST SO FAR", "$/HOUR NOW", "SPOT SAVED", "1h0m", "TOTAL: 3 tasks, 3 running:", "Fargate Spot saved", "Prices: " + prices} {
		if !strings.Contains(out, want) {
			t.Errorf("cost output lacks %q:\n%s", want, out)
		}
	}
}

func TestCostCommandErrors(t *testing.T) {
	if _, errOut, code := runMain(t, "cost", "--endpoint", "http://127.0.0.1:1"); code == 0 || !strings.Contains(errOut, "no ecsmini answers at http://127.0.0.1:1") {
		t.Errorf("no ecsmini: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runMain(t, "cost", "-o", "yaml"); code == 0 || !strings.Contains(errOut, "--output must be text or json") {
		t.Errorf("-o yaml: exit %d, %q", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"regions":{"us-east-1":{"X86_64":{"spot":{"vcpuHour":"cheap"}}}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runMain(t, "up", "--runtime", "sim", "--prices-file", bad)
	if code == 0 || !strings.Contains(errOut, `regions.us-east-1.X86_64.spot.vcpuHour: want a number ≥ 0 (USD per hour), not "cheap"`) {
		t.Errorf("bad prices file: exit %d, %q", code, errOut)
	}
	if _, errOut, code := runMain(t, "up", "--prices-file", filepath.Join(t.TempDir(), "missing.json")); code == 0 || !strings.Contains(errOut, "missing.json") {
		t.Errorf("missing prices file: exit %d, %q", code, errOut)
	}
}

// The built-in table printed by --builtin-prices is a valid prices file.
func TestCostBuiltinPrices(t *testing.T) {
	out, errOut, code := runMain(t, "cost", "--builtin-prices")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	table, err := pricing.MergePrices(pricing.PriceTable{}, []byte(out))
	if err != nil || table.Regions["us-east-1"] != pricing.BuiltinPrices().Regions["us-east-1"] {
		t.Fatalf("--builtin-prices: %v\n%s", err, out)
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{0: "$0", 0.00002: "<$0.0001", 0.000206: "$0.0002", 1.18488: "$1.1849", 123.456: "$123.46"} {
		if got := money(v); got != want {
			t.Errorf("money(%g) = %q, want %q", v, got, want)
		}
	}
}
