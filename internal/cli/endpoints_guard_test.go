package cli

import (
	"io"
	"net/http"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// The metadata listener answers tasks, which ask for its own address, and refuses a
// DNS-rebinding web page, which asks for its own name.
func TestEndpointsRefuseOtherHosts(t *testing.T) {
	ep := newEndpoints(endpointsConfig{Runtime: sim.New(clock.Real{}, sim.Options{}), Simulated: true})
	if err := ep.serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "metadata") })); err != nil {
		t.Fatal(err)
	}
	defer ep.close()
	addr, err := ep.Reach(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]int{addr: 200, "localhost": 200, "169.254.170.2": 200, "rebind.evil.example": 403} {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v4/token/task", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: HTTP %d, want %d", host, resp.StatusCode, want)
		}
	}
}
