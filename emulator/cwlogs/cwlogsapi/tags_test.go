package cwlogsapi_test

import (
	"maps"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func TestLogGroupTags(t *testing.T) {
	e := newEnv(t)
	if _, err := e.logs.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("g"), Tags: map[string]string{"app": "web"}}); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:logs:us-east-1:000000000000:log-group:g"
	list := func() map[string]string {
		t.Helper()
		out, err := e.logs.ListTagsForResource(e.ctx, &cwl.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		//lint:ignore SA1019 ecsmini serves the deprecated *LogGroup tag operations too
		byName, err := e.logs.ListTagsLogGroup(e.ctx, &cwl.ListTagsLogGroupInput{LogGroupName: aws.String("g")})
		if err != nil || !maps.Equal(byName.Tags, out.Tags) {
			t.Fatalf("by name %v %v, by ARN %v", byName, err, out.Tags)
		}
		return out.Tags
	}
	if got := list(); !maps.Equal(got, map[string]string{"app": "web"}) {
		t.Fatalf("tags after create: %v", got)
	}
	if _, err := e.logs.TagResource(e.ctx, &cwl.TagResourceInput{ResourceArn: aws.String(arn + ":*"), Tags: map[string]string{"team": "a"}}); err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 ecsmini serves the deprecated *LogGroup tag operations too
	if _, err := e.logs.UntagLogGroup(e.ctx, &cwl.UntagLogGroupInput{LogGroupName: aws.String("g"), Tags: []string{"app"}}); err != nil {
		t.Fatal(err)
	}
	e.open() // tags survive a restart
	if got := list(); !maps.Equal(got, map[string]string{"team": "a"}) {
		t.Fatalf("tags: %v", got)
	}
	if _, err := e.logs.UntagResource(e.ctx, &cwl.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("tags: %v", got)
	}
	_, err := e.logs.ListTagsForResource(e.ctx, &cwl.ListTagsForResourceInput{ResourceArn: aws.String(arn + "x")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}
