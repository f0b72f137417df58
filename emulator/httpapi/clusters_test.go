package httpapi_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestCreateCluster(t *testing.T) {
	e := newEnv(t)
	out := must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{
		ClusterName:            aws.String("prod"),
		Tags:                   []types.Tag{tag("team", "core")},
		Settings:               []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enhanced")}},
		Configuration:          &types.ClusterConfiguration{ExecuteCommandConfiguration: &types.ExecuteCommandConfiguration{Logging: types.ExecuteCommandLoggingDefault}},
		CapacityProviders:      []string{"FARGATE", "FARGATE_SPOT"},
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("prod-ns")},
		DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{
			{CapacityProvider: aws.String("FARGATE"), Weight: 1, Base: 2},
			{CapacityProvider: aws.String(arn("capacity-provider/FARGATE_SPOT")), Weight: 3},
		},
	}))
	c := out.Cluster
	if aws.ToString(c.ClusterArn) != arn("cluster/prod") || aws.ToString(c.ClusterName) != "prod" || aws.ToString(c.Status) != "ACTIVE" {
		t.Fatalf("cluster = %s %s %s", aws.ToString(c.ClusterArn), aws.ToString(c.ClusterName), aws.ToString(c.Status))
	}
	if tagMap(c.Tags)["team"] != "core" || len(c.Settings) != 1 || aws.ToString(c.Settings[0].Value) != "enhanced" {
		t.Fatalf("tags %v settings %+v", tagMap(c.Tags), c.Settings)
	}
	if c.Configuration == nil || c.Configuration.ExecuteCommandConfiguration.Logging != types.ExecuteCommandLoggingDefault {
		t.Fatalf("configuration not stored: %+v", c.Configuration)
	}
	if c.ServiceConnectDefaults == nil || aws.ToString(c.ServiceConnectDefaults.Namespace) != "prod-ns" {
		t.Fatalf("serviceConnectDefaults not stored: %+v", c.ServiceConnectDefaults)
	}
	assertSameList(t, c.CapacityProviders, []string{"FARGATE", "FARGATE_SPOT"})
	if s := c.DefaultCapacityProviderStrategy; len(s) != 2 || aws.ToString(s[1].CapacityProvider) != "FARGATE_SPOT" || s[0].Base != 2 || s[1].Weight != 3 {
		t.Fatalf("strategy = %+v", s)
	}

	// CreateCluster without a name creates "default", with containerInsights from the account.
	def := must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{})).Cluster
	if aws.ToString(def.ClusterName) != "default" || len(def.Settings) != 1 || aws.ToString(def.Settings[0].Value) != "disabled" {
		t.Fatalf("default cluster = %s settings %+v", aws.ToString(def.ClusterName), def.Settings)
	}
	// Idempotent: the same name again returns the existing cluster.
	again := must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("prod")})).Cluster
	if len(again.CapacityProviders) != 2 {
		t.Fatalf("idempotent create changed the cluster: %+v", again.CapacityProviders)
	}
}

func TestCreateClusterErrors(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "taken")
	for _, tc := range []struct {
		name string
		in   sdkecs.CreateClusterInput
		code string
		msg  string
	}{
		{"bad name", sdkecs.CreateClusterInput{ClusterName: aws.String("bad name!")}, "InvalidParameterException", "Cluster name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was bad name!"},
		{"name too long", sdkecs.CreateClusterInput{ClusterName: aws.String(fmt.Sprintf("%0256d", 0))}, "InvalidParameterException", "Cluster name must match"},
		{"reserved tag", sdkecs.CreateClusterInput{ClusterName: aws.String("x"), Tags: []types.Tag{tag("aws:owner", "me")}}, "InvalidParameterException", "reserved"},
		{"bad setting value", sdkecs.CreateClusterInput{ClusterName: aws.String("x"), Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("on")}}}, "InvalidParameterException", "Invalid setting 'value'"},
		{"unknown provider", sdkecs.CreateClusterInput{ClusterName: aws.String("x"), CapacityProviders: []string{"nope"}}, "InvalidParameterException", "The specified capacity provider was not found."},
		{"inconsistent idempotent create", sdkecs.CreateClusterInput{ClusterName: aws.String("taken"), CapacityProviders: []string{"FARGATE"}}, "InvalidParameterException", "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.CreateCluster(ctx(t), &tc.in)
			assertAPIError(t, err, tc.code, tc.msg)
		})
	}
}

func TestDescribeClusters(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{
		ClusterName: aws.String("a"), Tags: []types.Tag{tag("k", "v")},
		Configuration: &types.ClusterConfiguration{ManagedStorageConfiguration: &types.ManagedStorageConfiguration{KmsKeyId: aws.String("key")}},
	}))
	e.createCluster(t, "b")
	for _, tc := range []struct {
		name         string
		clusters     []string
		include      []types.ClusterField
		wantNames    []string
		wantMissing  []string
		wantTags     bool
		wantSettings bool
		wantStats    bool
		wantConfig   bool
	}{
		{name: "by name, nothing included", clusters: []string{"a"}, wantNames: []string{"a"}},
		{name: "by ARN", clusters: []string{arn("cluster/b")}, wantNames: []string{"b"}},
		{name: "missing reported as failure", clusters: []string{"a", "ghost"}, wantNames: []string{"a"}, wantMissing: []string{arn("cluster/ghost")}},
		{name: "empty list means default", wantMissing: []string{arn("cluster/default")}},
		{name: "include TAGS", clusters: []string{"a"}, include: []types.ClusterField{types.ClusterFieldTags}, wantNames: []string{"a"}, wantTags: true},
		{name: "include SETTINGS", clusters: []string{"a"}, include: []types.ClusterField{types.ClusterFieldSettings}, wantNames: []string{"a"}, wantSettings: true},
		{name: "include STATISTICS", clusters: []string{"a"}, include: []types.ClusterField{types.ClusterFieldStatistics}, wantNames: []string{"a"}, wantStats: true},
		{name: "include CONFIGURATIONS", clusters: []string{"a"}, include: []types.ClusterField{types.ClusterFieldConfigurations}, wantNames: []string{"a"}, wantConfig: true},
		{name: "include everything", clusters: []string{"a"}, include: []types.ClusterField{types.ClusterFieldTags, types.ClusterFieldSettings, types.ClusterFieldStatistics, types.ClusterFieldConfigurations, types.ClusterFieldAttachments}, wantNames: []string{"a"}, wantTags: true, wantSettings: true, wantStats: true, wantConfig: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: tc.clusters, Include: tc.include}))
			var names, missing []string
			for _, c := range out.Clusters {
				names = append(names, aws.ToString(c.ClusterName))
				if (len(c.Tags) > 0) != tc.wantTags || (len(c.Settings) > 0) != tc.wantSettings ||
					(len(c.Statistics) > 0) != tc.wantStats || (c.Configuration != nil) != tc.wantConfig {
					t.Errorf("include %v: tags %d settings %d stats %d config %v", tc.include, len(c.Tags), len(c.Settings), len(c.Statistics), c.Configuration != nil)
				}
			}
			for _, f := range out.Failures {
				if aws.ToString(f.Reason) != "MISSING" {
					t.Errorf("failure reason = %q", aws.ToString(f.Reason))
				}
				missing = append(missing, aws.ToString(f.Arn))
			}
			assertSameList(t, names, tc.wantNames)
			assertSameList(t, missing, tc.wantMissing)
		})
	}
	t.Run("bad include", func(t *testing.T) {
		_, err := e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Include: []types.ClusterField{"NOPE"}})
		assertAPIError(t, err, "InvalidParameterException", "NOPE")
	})
	t.Run("more than 100", func(t *testing.T) {
		_, err := e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: make([]string, 101)})
		assertAPIError(t, err, "InvalidParameterException", "100")
	})
}

func TestListClustersPagination(t *testing.T) {
	e := newEnv(t)
	var want []string
	for i := 24; i >= 0; i-- { // created out of order; listed by name
		e.createCluster(t, fmt.Sprintf("c%02d", i))
	}
	for i := range 25 {
		want = append(want, arn(fmt.Sprintf("cluster/c%02d", i)))
	}
	// A deleted cluster is still listed (INACTIVE), in its name's place.
	e.createCluster(t, "gone")
	must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("gone")}))
	want = append(want, arn("cluster/gone"))

	for _, max := range []int32{1, 7, 25, 100} {
		t.Run(fmt.Sprintf("maxResults=%d", max), func(t *testing.T) {
			got, pages := collectPages(t, 30, func(tok *string) ([]string, *string, error) {
				out, err := e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{MaxResults: aws.Int32(max), NextToken: tok})
				if err != nil {
					return nil, nil, err
				}
				if len(out.ClusterArns) > int(max) {
					t.Fatalf("page of %d > maxResults %d", len(out.ClusterArns), max)
				}
				return out.ClusterArns, out.NextToken, nil
			})
			assertSameList(t, got, want)
			if wantPages := (26 + int(max) - 1) / int(max); pages < wantPages || pages > wantPages+1 {
				t.Fatalf("pages = %d, want about %d", pages, wantPages)
			}
		})
	}
	t.Run("default page holds all", func(t *testing.T) {
		out := must[*sdkecs.ListClustersOutput](t)(e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{}))
		assertSameList(t, out.ClusterArns, want)
		if out.NextToken != nil {
			t.Fatalf("unexpected nextToken")
		}
	})
	for _, tc := range []struct {
		name string
		in   sdkecs.ListClustersInput
	}{
		{"maxResults 0", sdkecs.ListClustersInput{MaxResults: aws.Int32(0)}},
		{"maxResults 101", sdkecs.ListClustersInput{MaxResults: aws.Int32(101)}},
		{"garbage token", sdkecs.ListClustersInput{NextToken: aws.String("not a token!")}},
		{"token of another listing", sdkecs.ListClustersInput{NextToken: aws.String("c29tZXRoaW5n")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.ListClusters(ctx(t), &tc.in)
			assertAPIError(t, err, "InvalidParameterException", "")
		})
	}
}

func TestUpdateCluster(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "u")
	out := must[*sdkecs.UpdateClusterOutput](t)(e.ecs.UpdateCluster(ctx(t), &sdkecs.UpdateClusterInput{
		Cluster:                aws.String(arn("cluster/u")),
		Settings:               []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}},
		Configuration:          &types.ClusterConfiguration{ExecuteCommandConfiguration: &types.ExecuteCommandConfiguration{KmsKeyId: aws.String("k1")}},
		ServiceConnectDefaults: &types.ClusterServiceConnectDefaultsRequest{Namespace: aws.String("ns")},
	}))
	if s := out.Cluster.Settings; len(s) != 1 || aws.ToString(s[0].Value) != "enabled" {
		t.Fatalf("settings = %+v", s)
	}
	if aws.ToString(out.Cluster.Configuration.ExecuteCommandConfiguration.KmsKeyId) != "k1" || aws.ToString(out.Cluster.ServiceConnectDefaults.Namespace) != "ns" {
		t.Fatalf("update not applied: %+v", out.Cluster)
	}
	set := must[*sdkecs.UpdateClusterSettingsOutput](t)(e.ecs.UpdateClusterSettings(ctx(t), &sdkecs.UpdateClusterSettingsInput{
		Cluster: aws.String("u"), Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("disabled")}},
	}))
	if s := set.Cluster.Settings; len(s) != 1 || aws.ToString(s[0].Value) != "disabled" {
		t.Fatalf("settings after UpdateClusterSettings = %+v", s)
	}

	insights := []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}
	for _, tc := range []struct {
		name      string
		call      func() error
		code, msg string
	}{
		{"UpdateCluster unknown", func() error {
			_, err := e.ecs.UpdateCluster(ctx(t), &sdkecs.UpdateClusterInput{Cluster: aws.String("ghost"), Settings: insights})
			return err
		}, "ClusterNotFoundException", "Cluster not found."},
		{"UpdateCluster bad value", func() error {
			_, err := e.ecs.UpdateCluster(ctx(t), &sdkecs.UpdateClusterInput{Cluster: aws.String("u"), Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("yes")}}})
			return err
		}, "InvalidParameterException", "Invalid setting 'value'"},
		{"UpdateClusterSettings unknown", func() error {
			_, err := e.ecs.UpdateClusterSettings(ctx(t), &sdkecs.UpdateClusterSettingsInput{Cluster: aws.String("ghost"), Settings: insights})
			return err
		}, "ClusterNotFoundException", "Cluster not found."},
		{"UpdateClusterSettings empty", func() error {
			_, err := e.ecs.UpdateClusterSettings(ctx(t), &sdkecs.UpdateClusterSettingsInput{Cluster: aws.String("u"), Settings: []types.ClusterSetting{}})
			return err
		}, "InvalidParameterException", "Settings can not be empty."},
		{"UpdateCluster invalid cluster name", func() error {
			_, err := e.ecs.UpdateCluster(ctx(t), &sdkecs.UpdateClusterInput{Cluster: aws.String("a b")})
			return err
		}, "InvalidParameterException", "Cluster must match"},
	} {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), tc.code, tc.msg) })
	}
}

func TestDeleteCluster(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "d")
	out := must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String(arn("cluster/d"))}))
	if aws.ToString(out.Cluster.Status) != "INACTIVE" {
		t.Fatalf("status = %s", aws.ToString(out.Cluster.Status))
	}
	again := must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("d")}))
	if aws.ToString(again.Cluster.Status) != "INACTIVE" {
		t.Fatalf("second delete status = %s", aws.ToString(again.Cluster.Status))
	}
	desc := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"d"}}))
	if len(desc.Clusters) != 1 || aws.ToString(desc.Clusters[0].Status) != "INACTIVE" {
		t.Fatalf("describe after delete = %+v", desc)
	}
	list := must[*sdkecs.ListClustersOutput](t)(e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{}))
	if !slices.Contains(list.ClusterArns, arn("cluster/d")) {
		t.Fatalf("INACTIVE cluster not listed: %v", list.ClusterArns)
	}
	_, err := e.ecs.UpdateClusterSettings(ctx(t), &sdkecs.UpdateClusterSettingsInput{Cluster: aws.String("d"), Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}})
	assertAPIError(t, err, "ClusterNotFoundException", "The referenced cluster was inactive.")
	// The name can be used again, for a new ACTIVE cluster.
	if c := e.createCluster(t, "d"); aws.ToString(c.Status) != "ACTIVE" {
		t.Fatalf("recreated status = %s", aws.ToString(c.Status))
	}
	_, err = e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String("ghost")})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
}

// TestInactiveClusterLifecycle follows a deleted cluster: described INACTIVE with zero
// counts, listed, refused for tagging as ECS refuses it, made ACTIVE again by a
// CreateCluster of its name (same ARN, only the new request's tags), and forgotten
// ClusterTTL after its deletion on the emulator clock.
func TestInactiveClusterLifecycle(t *testing.T) {
	e := newEnv(t)
	must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("old"), Tags: []types.Tag{tag("team", "a")}}))
	e.createCluster(t, "gone")
	for _, name := range []string{"old", "gone"} {
		must[*sdkecs.DeleteClusterOutput](t)(e.ecs.DeleteCluster(ctx(t), &sdkecs.DeleteClusterInput{Cluster: aws.String(name)}))
	}

	desc := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"gone"}, Include: []types.ClusterField{types.ClusterFieldStatistics}}))
	if len(desc.Clusters) != 1 || len(desc.Failures) != 0 {
		t.Fatalf("describe deleted cluster = %+v", desc)
	}
	c := desc.Clusters[0]
	if aws.ToString(c.Status) != "INACTIVE" || aws.ToString(c.ClusterArn) != arn("cluster/gone") ||
		c.RunningTasksCount != 0 || c.PendingTasksCount != 0 || c.ActiveServicesCount != 0 || c.RegisteredContainerInstancesCount != 0 {
		t.Fatalf("deleted cluster = %s %s counts %d/%d/%d/%d", aws.ToString(c.Status), aws.ToString(c.ClusterArn),
			c.RunningTasksCount, c.PendingTasksCount, c.ActiveServicesCount, c.RegisteredContainerInstancesCount)
	}

	inactive := "The specified cluster is inactive. Specify an active cluster and try again."
	_, err := e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(arn("cluster/old")), Tags: []types.Tag{tag("k", "v")}})
	assertAPIError(t, err, "InvalidParameterException", inactive)
	_, err = e.ecs.UntagResource(ctx(t), &sdkecs.UntagResourceInput{ResourceArn: aws.String(arn("cluster/old")), TagKeys: []string{"team"}})
	assertAPIError(t, err, "InvalidParameterException", inactive)
	_, err = e.ecs.ListTagsForResource(ctx(t), &sdkecs.ListTagsForResourceInput{ResourceArn: aws.String(arn("cluster/old"))})
	assertAPIError(t, err, "InvalidParameterException", inactive)

	// Re-creating "old" reactivates it under the same ARN, with the new request's tags.
	again := must[*sdkecs.CreateClusterOutput](t)(e.ecs.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("old"), Tags: []types.Tag{tag("team", "b")}})).Cluster
	if aws.ToString(again.Status) != "ACTIVE" || aws.ToString(again.ClusterArn) != arn("cluster/old") {
		t.Fatalf("re-created = %s %s", aws.ToString(again.Status), aws.ToString(again.ClusterArn))
	}
	if got := e.tags(t, arn("cluster/old")); len(got) != 1 || got["team"] != "b" {
		t.Fatalf("re-created cluster tags = %v", got)
	}

	listed := func() []string {
		return must[*sdkecs.ListClustersOutput](t)(e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{})).ClusterArns
	}
	e.advance(t, emulator.ClusterTTL-time.Minute)
	assertSameList(t, listed(), []string{arn("cluster/gone"), arn("cluster/old")})
	e.advance(t, 2*time.Minute)
	assertSameList(t, listed(), []string{arn("cluster/old")}) // the re-created one stays
	gone := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"gone"}}))
	if len(gone.Clusters) != 0 || len(gone.Failures) != 1 || aws.ToString(gone.Failures[0].Reason) != "MISSING" {
		t.Fatalf("forgotten cluster described = %+v", gone)
	}
	_, err = e.ecs.TagResource(ctx(t), &sdkecs.TagResourceInput{ResourceArn: aws.String(arn("cluster/gone")), Tags: []types.Tag{tag("k", "v")}})
	assertAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
}
