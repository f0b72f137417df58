package httpapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestServiceRegistriesSpanClusters: a Cloud Map name answers in the whole VPC, not in
// the registering service's cluster only. Cluster "a" (default namespace shared.local)
// runs "api", registered in a mapped Cloud Map service with a port, and "db", registered
// under the naming rule (db.shared.local); cluster "b" runs "solo", registered with no
// namespace at all (the bare name "solo"). The tables of "b" and of "c" (a third cluster)
// have a's names, A and SRV, with a's tasks' addresses; a's cluster-local service names
// and b's bare name stay in their clusters; scaling api in to zero empties the name in
// the other clusters too.
func TestServiceRegistriesSpanClusters(t *testing.T) {
	te := newTaskEnv(t)
	clusters := map[string]string{}
	for name, ns := range map[string]string{"a": "shared.local", "b": "", "c": "other.local"} {
		in := &sdkecs.CreateClusterInput{ClusterName: aws.String(name)}
		if ns != "" {
			in.ServiceConnectDefaults = &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String(ns)}
		}
		clusters[name] = aws.ToString(must[*sdkecs.CreateClusterOutput](t)(te.ecs.CreateCluster(ctx(t), in)).Cluster.ClusterArn)
	}
	def := ec2Def("app", cdef("app", 128, nil))
	def.NetworkMode = types.NetworkModeAwsvpc
	app := te.sxRegister(t, def)
	if err := te.emu.MapRegistry(cloudMapARN, "api.cloudmap.local"); err != nil {
		t.Fatal(err)
	}
	const dbARN = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-db"
	const soloARN = "arn:aws:servicediscovery:us-east-1:000000000000:service/srv-solo"
	for _, s := range []struct {
		cluster, name string
		reg           types.ServiceRegistry
	}{
		{"a", "api", types.ServiceRegistry{RegistryArn: aws.String(cloudMapARN), Port: aws.Int32(8080)}},
		{"a", "db", types.ServiceRegistry{RegistryArn: aws.String(dbARN)}},
		{"b", "solo", types.ServiceRegistry{RegistryArn: aws.String(soloARN)}},
	} {
		te.sxCreate(t, &sdkecs.CreateServiceInput{Cluster: aws.String(s.cluster), ServiceName: aws.String(s.name), TaskDefinition: aws.String(app),
			DesiredCount: aws.Int32(2), NetworkConfiguration: awsvpcConfig("subnet-1"), ServiceRegistries: []types.ServiceRegistry{s.reg}})
	}
	te.settle(t)

	ips := func(cluster, service string) []string {
		var out []string
		for _, tk := range te.sxTasks(t, cluster, service, types.DesiredStatusRunning) {
			for _, d := range tk.Attachments[0].Details {
				if aws.ToString(d.Name) == "privateIPv4Address" {
					out = append(out, aws.ToString(d.Value))
				}
			}
		}
		slices.Sort(out)
		return out
	}
	api, db := ips("a", "api"), ips("a", "db")
	if len(api) != 2 || len(db) != 2 {
		t.Fatalf("a's task addresses: api %v, db %v", api, db)
	}
	sorted := func(s []string) []string { return slices.Sorted(slices.Values(s)) }
	for _, cluster := range []string{"a", "b", "c"} {
		tb := te.emu.Table(clusters[cluster])
		if got := sorted(tb.Records["api.cloudmap.local"]); !slices.Equal(got, api) {
			t.Errorf("cluster %s: api.cloudmap.local %v, want %v", cluster, got, api)
		}
		if got := sorted(tb.Records["db.shared.local"]); !slices.Equal(got, db) {
			t.Errorf("cluster %s: db.shared.local %v, want %v", cluster, got, db)
		}
		srv := tb.SRV["api.cloudmap.local"]
		if len(srv) != 2 {
			t.Fatalf("cluster %s: SRV api.cloudmap.local %+v", cluster, srv)
		}
		var targets []string
		for _, r := range srv {
			if r.Port != 8080 || !strings.HasSuffix(r.Target, ".api.cloudmap.local") {
				t.Errorf("cluster %s: SRV record %+v", cluster, r)
			}
			targets = append(targets, tb.Records[r.Target]...)
		}
		if !slices.Equal(sorted(targets), api) {
			t.Errorf("cluster %s: SRV targets resolve to %v, want %v", cluster, targets, api)
		}
		// Cluster-local names: a's service names in a only, b's bare registry name in b only.
		if got := len(tb.Records["api"]) > 0; got != (cluster == "a") {
			t.Errorf("cluster %s: the service name api resolves: %v", cluster, got)
		}
		if got := len(tb.Records["solo"]) > 0; got != (cluster == "b") {
			t.Errorf("cluster %s: the bare registry name solo resolves: %v", cluster, got)
		}
	}

	must[*sdkecs.UpdateServiceOutput](t)(te.ecs.UpdateService(ctx(t), &sdkecs.UpdateServiceInput{Cluster: aws.String("a"), Service: aws.String("api"), DesiredCount: aws.Int32(0)}))
	te.settle(t)
	for _, cluster := range []string{"b", "c"} {
		tb := te.emu.Table(clusters[cluster])
		if got := tb.Records["api.cloudmap.local"]; len(got) != 0 || len(tb.SRV["api.cloudmap.local"]) != 0 {
			t.Errorf("after scale-in, cluster %s: api.cloudmap.local %v, SRV %+v", cluster, got, tb.SRV["api.cloudmap.local"])
		}
		if got := sorted(tb.Records["db.shared.local"]); !slices.Equal(got, db) {
			t.Errorf("after scale-in, cluster %s: db.shared.local %v, want %v", cluster, got, db)
		}
	}
}
