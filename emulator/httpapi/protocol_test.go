package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/httpapi"
)

// rawResponse is a decoded HTTP answer of the ECS endpoint.
type rawResponse struct {
	status    int
	requestID string
	body      map[string]any
}

// raw posts body to url as operation op (a full X-Amz-Target when it contains a dot).
func raw(t testing.TB, url, op, body string, header ...string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(op, ".") && op != "" {
		op = httpapi.TargetPrefix + op
	}
	req.Header.Set("X-Amz-Target", op)
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return doRaw(t, req)
}

func doRaw(t testing.TB, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := rawResponse{status: resp.StatusCode, requestID: resp.Header.Get("x-amzn-RequestId")}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&r.body); err != nil {
		t.Fatalf("response is not JSON (%d): %q", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
		t.Errorf("Content-Type = %q", ct)
	}
	return r
}

func TestProtocolErrors(t *testing.T) {
	e := newEnv(t)
	tooBig := `{"clusterName":"` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}`
	for _, tc := range []struct {
		name, op, body string
		status         int
		typ            string
	}{
		{"unknown operation", "RunSpaceship", `{}`, 400, "UnknownOperationException"},
		{"missing target", "", `{}`, 400, "UnknownOperationException"},
		{"foreign target prefix", "DynamoDB_20120810.ListTables", `{}`, 400, "UnknownOperationException"},
		{"malformed JSON", "CreateCluster", `{"clusterName":`, 400, "SerializationException"},
		{"trailing garbage", "CreateCluster", `{"clusterName":"a"} x`, 400, "SerializationException"},
		{"not an object", "CreateCluster", `["a"]`, 400, "SerializationException"},
		{"string for number", "ListClusters", `{"maxResults":"5"}`, 400, "SerializationException"},
		{"number for string", "CreateCluster", `{"clusterName":5}`, 400, "SerializationException"},
		{"scalar for list", "DescribeClusters", `{"clusters":"a"}`, 400, "SerializationException"},
		{"nested wrong type", "RegisterTaskDefinition", `{"family":"f","containerDefinitions":[{"name":"a","memory":"lots"}]}`, 400, "SerializationException"},
		{"body too large", "CreateCluster", tooBig, 400, "SerializationException"},
		{"domain error", "DeleteCluster", `{"cluster":"ghost"}`, 400, "ClusterNotFoundException"},
		{"unknown fields ignored", "CreateCluster", `{"clusterName":"extra","notAField":{"deep":[1,2]},"other":true}`, 200, ""},
		{"empty body is an empty request", "ListClusters", ``, 200, ""},
		{"null body is an empty request", "ListClusters", `null`, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := raw(t, e.srv.URL, tc.op, tc.body)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %v", r.status, tc.status, r.body)
			}
			if r.requestID == "" {
				t.Errorf("no x-amzn-RequestId")
			}
			if typ, _ := r.body["__type"].(string); typ != tc.typ {
				t.Fatalf("__type %q, want %q: %v", typ, tc.typ, r.body)
			}
			if _, ok := r.body["message"].(string); tc.typ != "" && !ok {
				t.Errorf("error without a message: %v", r.body)
			}
		})
	}
}

func TestRequestIDs(t *testing.T) {
	e := newEnv(t)
	seen := map[string]bool{}
	for range 20 {
		r := raw(t, e.srv.URL, "ListClusters", `{}`)
		if len(r.requestID) != 36 || seen[r.requestID] {
			t.Fatalf("request id %q (len %d, repeated %v)", r.requestID, len(r.requestID), seen[r.requestID])
		}
		seen[r.requestID] = true
	}
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/", nil)
	if r := doRaw(t, req); r.requestID == "" || r.status < 400 {
		t.Fatalf("GET / answered %d with request id %q", r.status, r.requestID)
	}
}

func TestTimestampsAreNumbers(t *testing.T) {
	e := newEnv(t)
	r := raw(t, e.srv.URL, "RegisterTaskDefinition", `{"family":"ts","containerDefinitions":[{"name":"a","image":"i","memory":64}]}`)
	td, _ := r.body["taskDefinition"].(map[string]any)
	n, ok := td["registeredAt"].(json.Number)
	if !ok {
		t.Fatalf("registeredAt = %#v (%T), want a JSON number", td["registeredAt"], td["registeredAt"])
	}
	if f, _ := n.Float64(); int64(f) != testStart.Unix() {
		t.Fatalf("registeredAt = %s, want %d", n, testStart.Unix())
	}
}

// TestSigV4Region shows that the credential scope's region is the caller's region.
func TestSigV4Region(t *testing.T) {
	e := newEnv(t)
	eu := e.client("eu-west-1")
	c := must[*sdkecs.CreateClusterOutput](t)(eu.CreateCluster(ctx(t), &sdkecs.CreateClusterInput{ClusterName: aws.String("euro")})).Cluster
	if want := "arn:aws:ecs:eu-west-1:" + account + ":cluster/euro"; aws.ToString(c.ClusterArn) != want {
		t.Fatalf("ARN %s, want %s", aws.ToString(c.ClusterArn), want)
	}
	td := must[*sdkecs.RegisterTaskDefinitionOutput](t)(eu.RegisterTaskDefinition(ctx(t), minimalTaskDef("web"))).TaskDefinition
	if want := "arn:aws:ecs:eu-west-1:" + account + ":task-definition/web:1"; aws.ToString(td.TaskDefinitionArn) != want {
		t.Fatalf("ARN %s, want %s", aws.ToString(td.TaskDefinitionArn), want)
	}
	// us-east-1 sees none of it, and numbers its own revisions.
	if l := must[*sdkecs.ListClustersOutput](t)(e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{})); len(l.ClusterArns) != 0 {
		t.Fatalf("us-east-1 lists %v", l.ClusterArns)
	}
	if d := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{"euro"}})); len(d.Failures) != 1 {
		t.Fatalf("us-east-1 describes %+v", d)
	}
	// A missing cluster named by ARN is reported with that ARN, whatever its region.
	euARN := "arn:aws:ecs:eu-west-1:" + account + ":cluster/nope"
	if d := must[*sdkecs.DescribeClustersOutput](t)(e.ecs.DescribeClusters(ctx(t), &sdkecs.DescribeClustersInput{Clusters: []string{euARN}})); len(d.Failures) != 1 || aws.ToString(d.Failures[0].Arn) != euARN {
		t.Fatalf("failures = %+v", d.Failures)
	}
	if rev := e.register(t, "web").Revision; rev != 1 {
		t.Fatalf("us-east-1 revision %d", rev)
	}
	if l := must[*sdkecs.ListClustersOutput](t)(eu.ListClusters(ctx(t), &sdkecs.ListClustersInput{})); len(l.ClusterArns) != 1 {
		t.Fatalf("eu-west-1 lists %v", l.ClusterArns)
	}
	// Unsigned requests use the configured default region.
	r := raw(t, e.srv.URL, "CreateCluster", `{"clusterName":"plain"}`)
	if got := r.body["cluster"].(map[string]any)["clusterArn"]; got != arn("cluster/plain") {
		t.Fatalf("unsigned ARN %v", got)
	}
}

// faultyBackend fails one operation with an internal (non-ECS) error and panics in another.
type faultyBackend struct{ httpapi.Backend }

func (faultyBackend) ListClusters(context.Context, *ecs.ListInput) (*ecs.ListClustersOutput, error) {
	return nil, errors.New("disk on fire")
}

func (faultyBackend) DescribeClusters(context.Context, *ecs.DescribeClustersInput) (*ecs.DescribeClustersOutput, error) {
	panic("unexpected nil")
}

func TestServerException(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(httpapi.New(faultyBackend{e.emu}, nil))
	defer srv.Close()
	for _, op := range []string{"ListClusters", "DescribeClusters"} {
		t.Run(op, func(t *testing.T) {
			r := raw(t, srv.URL, op, `{}`)
			if r.status != 500 || r.body["__type"] != "ServerException" || r.requestID == "" {
				t.Fatalf("%d %v", r.status, r.body)
			}
		})
	}
	// The SDK sees the fault as ServerException too.
	c := sdkecs.New(sdkecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: e.ecs.Options().Credentials, Retryer: aws.NopRetryer{}})
	_, err := c.ListClusters(ctx(t), &sdkecs.ListClustersInput{})
	assertAPIError(t, err, "ServerException", "")
}
