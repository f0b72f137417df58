package emulator

import (
	"strings"
	"testing"
)

func TestRegistryName(t *testing.T) {
	e, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	const mapped = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-mapped"
	if err := e.MapRegistry(mapped, "API.Demo.Local."); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arn, service, defaultNS, want string
	}{
		{mapped, "api", "ns", "api.demo.local"},
		{"arn:aws:servicediscovery:us-east-1:000000000000:service/Orders.Shop.Internal", "api", "ns", "orders.shop.internal"},
		{"arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc", "Api", "demo.local", "api.demo.local"},
		{"arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc", "api", "arn:aws:servicediscovery:us-east-1:000000000000:namespace/ns-1", "api.ns-1"},
		{"arn:aws:servicediscovery:us-east-1:000000000000:service/srv-abc", "api", "", "api"},
		{"not-an-arn", "api", "", "api"},
	} {
		if got := e.RegistryName(tc.arn, tc.service, tc.defaultNS); got != tc.want {
			t.Errorf("RegistryName(%s, %s, %s) = %s, want %s", tc.arn, tc.service, tc.defaultNS, got, tc.want)
		}
	}
	if got := e.RegistryMappings(); len(got) != 1 || got[mapped] != "api.demo.local" {
		t.Fatalf("mappings %v", got)
	}
	if err := e.MapRegistry(mapped, ""); err != nil || len(e.RegistryMappings()) != 0 {
		t.Fatalf("removing: %v %v", err, e.RegistryMappings())
	}
	for _, tc := range []struct{ arn, name, msg string }{
		{"arn:aws:ecs:us-east-1:000000000000:service/c/s", "api.local", "not a Cloud Map service ARN"},
		{mapped, "bad name!.local", "not a DNS name"},
		{mapped, "a..b", "not a DNS name"},
	} {
		if err := e.MapRegistry(tc.arn, tc.name); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("MapRegistry(%s, %s) = %v, want %q", tc.arn, tc.name, err, tc.msg)
		}
	}
}

// Mappings are state: they survive a restart.
func TestRegistryMappingsPersist(t *testing.T) {
	dir := t.TempDir()
	const arn = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-1"
	e, err := New(Config{StateDir: dir, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.MapRegistry(arn, "db.shop.local"); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = New(Config{StateDir: dir, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got := e.RegistryName(arn, "db", ""); got != "db.shop.local" {
		t.Fatalf("after a restart: %s", got)
	}
}
