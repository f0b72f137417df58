package httpapi_test

import (
	"fmt"
	"testing"
)

// tags appear in Describe answers only when include asks for TAGS, then as [] when the
// resource has none (moto's server-mode tests, like ECS).
func TestTagsOnlyWhenAskedFor(t *testing.T) {
	e := newEnv(t)
	e.createCluster(t, "c1")
	e.register(t, "web")
	raw(t, e.srv.URL, "CreateService", `{"cluster":"c1","serviceName":"s","taskDefinition":"web","desiredCount":0}`)
	for _, tc := range []struct {
		op, body, list string
	}{
		{"DescribeClusters", `{"clusters":["c1"]%s}`, "clusters"},
		{"DescribeServices", `{"cluster":"c1","services":["s"]%s}`, "services"},
	} {
		for _, asked := range []bool{false, true} {
			include := ""
			if asked {
				include = `,"include":["TAGS"]`
			}
			r := raw(t, e.srv.URL, tc.op, fmt.Sprintf(tc.body, include))
			items, _ := r.body[tc.list].([]any)
			if r.status != 200 || len(items) != 1 {
				t.Fatalf("%s: %d %v", tc.op, r.status, r.body)
			}
			tags, has := items[0].(map[string]any)["tags"]
			switch {
			case asked && (!has || tags == nil || len(tags.([]any)) != 0):
				t.Errorf("%s with include TAGS: tags %v (present %v), want []", tc.op, tags, has)
			case !asked && has:
				t.Errorf("%s without include: tags %v, want none", tc.op, tags)
			}
		}
	}
}
