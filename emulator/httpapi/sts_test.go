package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func (e *env) sts() *sts.Client {
	return sts.New(sts.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(e.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: plainBodies{awshttp.NewBuildableClient().GetTransport()}},
	})
}

// The Go SDK's STS client learns the account from ecsmini's listener, and the ECS API
// on the same listener goes on answering.
func TestSTSGetCallerIdentity(t *testing.T) {
	e := newEnv(t)
	out, err := e.sts().GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	if got := aws.ToString(out.Account); got != account {
		t.Errorf("account %q, want %q", got, account)
	}
	if got := aws.ToString(out.Arn); got != "arn:aws:iam::"+account+":root" {
		t.Errorf("arn %q", got)
	}
	if got := aws.ToString(out.UserId); got != account {
		t.Errorf("userId %q, want the account (the root user's)", got)
	}
	if _, err := e.ecs.ListClusters(ctx(t), &sdkecs.ListClustersInput{}); err != nil {
		t.Fatalf("ECS after STS: %v", err)
	}
}

// Other STS actions are refused in STS's own error shape, by form body alone.
func TestSTSOtherActions(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ body, code string }{
		{"Action=AssumeRole&Version=2011-06-15", "InvalidAction"},
		{"Version=2011-06-15", "MissingAction"},
	} {
		resp, err := http.Post(e.srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		b := new(strings.Builder)
		_, _ = io.Copy(b, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(b.String(), "<Code>"+tc.code+"</Code>") {
			t.Errorf("%s: %d %s, want 400 with code %s", tc.body, resp.StatusCode, b, tc.code)
		}
	}
}
