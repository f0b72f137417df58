package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ecsmini/ecsmini/internal/workload"
)

func TestWorkloadDNSFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    *workload.DNS
		wantErr string
	}{
		{args: []string{"--dns", "127.0.0.1:53=http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=c"},
			want: &workload.DNS{Listen: "127.0.0.1:53", Table: "http://172.18.0.1:51680/_ecsmini/dns/v1?cluster=c"}},
		{args: []string{"--dns", "127.0.0.1:53=http://h:1/t", "--dns-upstream", "127.0.0.11:53", "--dns-upstream", "10.0.0.2:53", "--dns-resolv-conf", "/etc/resolv.conf"},
			want: &workload.DNS{Listen: "127.0.0.1:53", Table: "http://h:1/t", Upstreams: []string{"127.0.0.11:53", "10.0.0.2:53"}, ResolvConf: "/etc/resolv.conf"}},
		{args: []string{"--dns", "nonsense"}, wantErr: "LISTEN=URL"},
		{args: []string{"--dns-upstream", "127.0.0.11:53"}, wantErr: "need --dns"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var o workloadOptions
			fs := pflag.NewFlagSet("workload", pflag.ContinueOnError)
			o.bind(fs)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			got, err := o.config(fs)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got.DNS, tc.want) {
				t.Fatalf("DNS = %+v, %v; want %+v", got.DNS, err, tc.want)
			}
		})
	}
}

func TestWorkloadLookupNeedsAName(t *testing.T) {
	var out bytes.Buffer
	if code := Main([]string{"workload", "lookup"}, &out, &out); code == 0 {
		t.Fatalf("lookup without a name: exit 0: %s", &out)
	}
}
