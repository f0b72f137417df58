package fargate

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestBuiltinPrices(t *testing.T) {
	p := BuiltinPrices()
	r, as, ok := p.For("us-east-1")
	if !ok || as != "us-east-1" {
		t.Fatalf("us-east-1 not built in")
	}
	want := RegionPrices{
		X86:                    ArchPrices{OnDemand: Rates{0.04048, 0.004445}, Spot: Rates{0.012144, 0.0013335}},
		ARM:                    ArchPrices{OnDemand: Rates{0.03238, 0.00356}, Spot: Rates{0.009714, 0.001068}},
		EphemeralStorageGBHour: 0.000111,
	}
	if r != want {
		t.Errorf("us-east-1 = %+v\nwant %+v", r, want)
	}
	if _, as, ok := p.For("mars-north-1"); ok || as != FallbackRegion {
		t.Errorf("an unknown region is priced as %q (known %v), want %s", as, ok, FallbackRegion)
	}
	// The table round-trips through its own file format, so `ecsmini cost
	// --builtin-prices` prints a valid --prices-file.
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	back, err := MergePrices(PriceTable{}, b)
	if err != nil {
		t.Fatalf("the built-in table as a prices file: %v", err)
	}
	if len(back.Regions) != len(p.Regions) || back.Regions["eu-west-1"] != p.Regions["eu-west-1"] {
		t.Errorf("round trip: %+v", back)
	}
}

func TestMergePrices(t *testing.T) {
	base := BuiltinPrices()
	got, err := MergePrices(base, []byte(`{"regions": {
		"us-east-1": {"X86_64": {"spot": {"vcpuHour": 0.0133}}},
		"sa-east-1": {"X86_64": {"onDemand": {"vcpuHour": 0.0696, "gbHour": 0.0076}, "spot": {"vcpuHour": 0.0234, "gbHour": 0.00255}},
		              "ARM64": {"onDemand": {"vcpuHour": 0.0557, "gbHour": 0.00612}, "spot": {"vcpuHour": 0.0187, "gbHour": 0.00205}},
		              "ephemeralStorageGBHour": 0.00019}}}`))
	if err != nil {
		t.Fatal(err)
	}
	use1 := got.Regions["us-east-1"]
	if use1.X86.Spot.VCPUHour != 0.0133 || use1.X86.Spot.GBHour != 0.0013335 || use1.X86.OnDemand.VCPUHour != 0.04048 {
		t.Errorf("us-east-1 after a partial override: %+v", use1.X86)
	}
	if got.Regions["sa-east-1"].ARM.Spot.GBHour != 0.00205 || got.Regions["sa-east-1"].EphemeralStorageGBHour != 0.00019 {
		t.Errorf("sa-east-1: %+v", got.Regions["sa-east-1"])
	}
	if base.Regions["us-east-1"].X86.Spot.VCPUHour != 0.012144 {
		t.Errorf("the base table was changed")
	}
	if fresh := BuiltinPrices(); fresh.Regions["us-east-1"].X86.Spot.VCPUHour != 0.012144 {
		t.Errorf("the built-in table was changed")
	}
}

func TestMergePricesErrors(t *testing.T) {
	for _, c := range []struct{ file, want string }{
		{`{`, "not JSON"},
		{`{} {}`, "more than one value"},
		{`[]`, `want an object {"regions"`},
		{`{"region": {}}`, `region: unknown field (want "regions")`},
		{`{"regions": []}`, "regions: want an object"},
		{`{"regions": {"us-east1": {}}}`, `regions.us-east1: "us-east1" is not a region name`},
		{`{"regions": {"us-east-1": {"X86": {}}}}`, "regions.us-east-1.X86: unknown field (want ARM64, X86_64, ephemeralStorageGBHour)"},
		{`{"regions": {"us-east-1": {"X86_64": {"onDemand": {"vcpu": 1}}}}}`, "regions.us-east-1.X86_64.onDemand.vcpu: unknown field (want gbHour, vcpuHour)"},
		{`{"regions": {"us-east-1": {"X86_64": 0.04}}}`, "regions.us-east-1.X86_64: want an object with onDemand, spot"},
		{`{"regions": {"us-east-1": {"X86_64": {"spot": {"vcpuHour": "cheap"}}}}}`, `regions.us-east-1.X86_64.spot.vcpuHour: want a number ≥ 0 (USD per hour), not "cheap"`},
		{`{"regions": {"us-east-1": {"X86_64": {"spot": {"vcpuHour": -1}}}}}`, "spot.vcpuHour: want a number ≥ 0 (USD per hour), not -1"},
		{`{"regions": {"us-east-1": {"ephemeralStorageGBHour": {}}}}`, "ephemeralStorageGBHour: want a number ≥ 0 (USD per hour), not an object"},
		{`{"regions": {"sa-east-1": {"X86_64": {"onDemand": {"vcpuHour": 0.0696, "gbHour": 0.0076}}}}}`,
			"regions.sa-east-1: ecsmini has no built-in prices for sa-east-1, so every price must be given; missing ARM64.onDemand.gbHour, ARM64.onDemand.vcpuHour, ARM64.spot.gbHour, ARM64.spot.vcpuHour, X86_64.spot.gbHour, X86_64.spot.vcpuHour, ephemeralStorageGBHour"},
	} {
		_, err := MergePrices(BuiltinPrices(), []byte(c.file))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want it to say %q", c.file, err, c.want)
		}
	}
}
