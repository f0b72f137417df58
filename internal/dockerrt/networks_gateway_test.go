package dockerrt

import (
	"testing"

	"github.com/docker/docker/api/types/network"
)

// Docker 20.10 reports the default bridge as {"Subnet":"172.17.0.0/16"} with no gateway;
// the gateway is still the subnet's first host, which task containers reach ecsmini on.
func TestToNetworkGateway(t *testing.T) {
	for _, tc := range []struct {
		cfg  []network.IPAMConfig
		want string
	}{
		{[]network.IPAMConfig{{Subnet: "172.17.0.0/16"}}, "172.17.0.1"},
		{[]network.IPAMConfig{{Subnet: "172.18.0.0/16", Gateway: "172.18.0.254"}}, "172.18.0.254"},
		{[]network.IPAMConfig{{Subnet: "fd00::/64"}}, ""},
		{nil, ""},
	} {
		got := toNetwork(network.Inspect{Name: "n", IPAM: network.IPAM{Config: tc.cfg}}).Gateway
		if got != tc.want {
			t.Errorf("gateway of %+v = %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
