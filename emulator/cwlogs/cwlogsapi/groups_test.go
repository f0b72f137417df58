package cwlogsapi_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
)

func TestLogGroupsLifecycle(t *testing.T) {
	e := newEnv(t)
	e.group("/ecs/web")
	_, err := e.logs.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log group already exists")
	_, err = e.logs.CreateLogGroup(e.ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("bad name")})
	wantAPIError(t, err, "InvalidParameterException", `1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+`)

	out, err := e.logs.DescribeLogGroups(e.ctx, &cwl.DescribeLogGroupsInput{})
	if err != nil {
		t.Fatal(err)
	}
	g := out.LogGroups[0]
	if len(out.LogGroups) != 1 || aws.ToString(g.LogGroupName) != "/ecs/web" ||
		aws.ToString(g.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web:*" ||
		aws.ToString(g.LogGroupArn) != "arn:aws:logs:us-east-1:000000000000:log-group:/ecs/web" ||
		aws.ToInt64(g.CreationTime) != start.UnixMilli() || g.RetentionInDays != nil || g.LogGroupClass != "STANDARD" {
		t.Fatalf("described %+v", out.LogGroups)
	}

	if _, err := e.logs.DeleteLogGroup(e.ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/web")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.logs.DeleteLogGroup(e.ctx, &cwl.DeleteLogGroupInput{LogGroupName: aws.String("/ecs/web")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
}

func TestDescribeLogGroupsFiltersAndPages(t *testing.T) {
	e := newEnv(t)
	for i := range 7 {
		e.group(fmt.Sprintf("/ecs/app-%d", i))
	}
	e.group("/aws/lambda/Other")
	tests := []struct {
		name string
		in   cwl.DescribeLogGroupsInput
		want int
	}{
		{"all", cwl.DescribeLogGroupsInput{}, 8},
		{"prefix", cwl.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String("/ecs/")}, 7},
		{"pattern is case-insensitive", cwl.DescribeLogGroupsInput{LogGroupNamePattern: aws.String("other")}, 1},
		{"pages of 3", cwl.DescribeLogGroupsInput{Limit: aws.Int32(3)}, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var names []string
			p := cwl.NewDescribeLogGroupsPaginator(e.logs, &tt.in)
			pages := 0
			for p.HasMorePages() {
				out, err := p.NextPage(e.ctx)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, g := range out.LogGroups {
					names = append(names, aws.ToString(g.LogGroupName))
				}
			}
			if len(names) != tt.want || !slices.IsSorted(names) {
				t.Fatalf("got %v (%d pages)", names, pages)
			}
			if tt.in.Limit != nil && pages != 3 {
				t.Fatalf("got %d pages, want 3", pages)
			}
		})
	}
}

func TestLogStreamsLifecycle(t *testing.T) {
	e := newEnv(t)
	_, err := e.logs.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("s")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	e.group("g")
	e.stream("g", "ecs/web/1")
	e.stream("g", "ecs/web/2")
	e.stream("g", "other")
	_, err = e.logs.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("other")})
	wantAPIError(t, err, "ResourceAlreadyExistsException", "The specified log stream already exists")
	_, err = e.logs.CreateLogStream(e.ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("a:b")})
	wantAPIError(t, err, "InvalidParameterException", "")

	e.clock.Advance(time.Second)
	e.put("g", "ecs/web/1", 0, "late") // makes ecs/web/1 the stream with the latest event
	e.put("g", "other", -5000, "early")

	tests := []struct {
		name string
		in   cwl.DescribeLogStreamsInput
		want []string
	}{
		{"by name", cwl.DescribeLogStreamsInput{}, []string{"ecs/web/1", "ecs/web/2", "other"}},
		{"prefix", cwl.DescribeLogStreamsInput{LogStreamNamePrefix: aws.String("ecs/")}, []string{"ecs/web/1", "ecs/web/2"}},
		{"latest first", cwl.DescribeLogStreamsInput{OrderBy: "LastEventTime", Descending: aws.Bool(true)}, []string{"ecs/web/1", "other", "ecs/web/2"}},
		{"by ARN", cwl.DescribeLogStreamsInput{LogGroupIdentifier: aws.String("arn:aws:logs:us-east-1:000000000000:log-group:g:*"), Limit: aws.Int32(1)}, []string{"ecs/web/1", "ecs/web/2", "other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.in.LogGroupIdentifier == nil {
				tt.in.LogGroupName = aws.String("g")
			}
			var names []string
			p := cwl.NewDescribeLogStreamsPaginator(e.logs, &tt.in)
			for p.HasMorePages() {
				out, err := p.NextPage(e.ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range out.LogStreams {
					names = append(names, aws.ToString(s.LogStreamName))
				}
			}
			if !slices.Equal(names, tt.want) {
				t.Fatalf("got %v, want %v", names, tt.want)
			}
		})
	}
	_, err = e.logs.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), OrderBy: "LastEventTime", LogStreamNamePrefix: aws.String("e")})
	wantAPIError(t, err, "InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.")

	out, _ := e.logs.DescribeLogStreams(e.ctx, &cwl.DescribeLogStreamsInput{LogGroupName: aws.String("g"), LogStreamNamePrefix: aws.String("ecs/web/1")})
	s := out.LogStreams[0]
	if aws.ToInt64(s.FirstEventTimestamp) != start.UnixMilli()+1000 || aws.ToInt64(s.LastIngestionTime) != start.UnixMilli()+1000 ||
		aws.ToString(s.Arn) != "arn:aws:logs:us-east-1:000000000000:log-group:g:log-stream:ecs/web/1" {
		t.Fatalf("described %+v", s)
	}

	if _, err := e.logs.DeleteLogStream(e.ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("other")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.logs.DeleteLogStream(e.ctx, &cwl.DeleteLogStreamInput{LogGroupName: aws.String("g"), LogStreamName: aws.String("other")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
}
