package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

// namesOf is a discovery source with one cluster's names.
type namesOf map[string]map[string][]string

func (n namesOf) Records(cluster string) map[string][]string { return n[cluster] }

// The endpoints listener serves the clusters' DNS tables next to the metadata paths,
// from the Discovery source it was built with (the emulator, in `up`), and no names from a
// source without a Records method.
func TestEndpointsServeDiscovery(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  any
		want map[string][]string
	}{
		{"a source", namesOf{"arn:c": {"api": {"172.18.0.5"}}}, map[string][]string{"api": {"172.18.0.5"}}},
		{"no Records method", struct{}{}, map[string][]string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep := newEndpoints(endpointsConfig{Runtime: sim.New(clock.Real{}, sim.Options{}), Simulated: true, Discovery: tc.src})
			metadata := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "metadata "+r.URL.Path) })
			if err := ep.serve(metadata); err != nil {
				t.Fatal(err)
			}
			defer ep.close()
			addr, _ := ep.Reach(t.Context(), "")
			resp, err := http.Get("http://" + addr + "/_ecsmini/dns/v1?cluster=arn%3Ac")
			if err != nil {
				t.Fatal(err)
			}
			var doc struct{ Records map[string][]string }
			err = json.NewDecoder(resp.Body).Decode(&doc)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK || !reflect.DeepEqual(doc.Records, tc.want) {
				t.Fatalf("table: %d %+v %v; want %v", resp.StatusCode, doc.Records, err, tc.want)
			}
			resp, err = http.Get("http://" + addr + "/v4/token/task")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "metadata /v4/token/task" {
				t.Fatalf("other paths must reach the metadata handler: %q", body)
			}
		})
	}
}
