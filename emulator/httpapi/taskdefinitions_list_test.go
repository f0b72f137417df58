package httpapi_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// listFixture registers web:1-5 (4 INACTIVE, 5 DELETE_IN_PROGRESS), web-api:1-3, api:1-2
// (both INACTIVE), and zeta:1.
func listFixture(t *testing.T) *env {
	e := newEnv(t)
	for _, f := range []struct {
		family string
		n      int
	}{{"web", 5}, {"zeta", 1}, {"web-api", 3}, {"api", 2}} {
		for range f.n {
			e.register(t, f.family)
		}
	}
	e.deregister(t, "web:4")
	e.deregister(t, "web:5")
	e.deleteTD(t, "web:5")
	e.deregister(t, "api:1")
	e.deregister(t, "api:2")
	return e
}

func TestListTaskDefinitions(t *testing.T) {
	e := listFixture(t)
	active := []string{tdARN("web", 1), tdARN("web", 2), tdARN("web", 3), tdARN("web-api", 1), tdARN("web-api", 2), tdARN("web-api", 3), tdARN("zeta", 1)}
	desc := slices.Clone(active)
	slices.Reverse(desc)
	for _, tc := range []struct {
		name   string
		in     sdkecs.ListTaskDefinitionsInput
		want   []string
		orders []int32 // maxResults to page with
	}{
		{name: "default ACTIVE ASC", want: active},
		{name: "DESC reverses family and revision", in: sdkecs.ListTaskDefinitionsInput{Sort: types.SortOrderDesc}, want: desc},
		{name: "familyPrefix is the exact family", in: sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")}, want: active[:3]},
		{name: "familyPrefix DESC", in: sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), Sort: types.SortOrderDesc}, want: []string{tdARN("web", 3), tdARN("web", 2), tdARN("web", 1)}},
		{name: "INACTIVE", in: sdkecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusInactive}, want: []string{tdARN("api", 1), tdARN("api", 2), tdARN("web", 4)}},
		{name: "DELETE_IN_PROGRESS", in: sdkecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusDeleteInProgress}, want: []string{tdARN("web", 5)}},
		{name: "unknown family", in: sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("we")}, want: nil},
	} {
		for _, max := range []int32{0, 1, 2, 3, 100} {
			t.Run(fmt.Sprintf("%s/maxResults=%d", tc.name, max), func(t *testing.T) {
				got, _ := collectPages(t, 20, func(tok *string) ([]string, *string, error) {
					in := tc.in
					in.NextToken = tok
					if max > 0 {
						in.MaxResults = aws.Int32(max)
					}
					out, err := e.ecs.ListTaskDefinitions(ctx(t), &in)
					if err != nil {
						return nil, nil, err
					}
					return out.TaskDefinitionArns, out.NextToken, nil
				})
				assertSameList(t, got, tc.want)
			})
		}
	}
	for _, tc := range []struct {
		name string
		in   sdkecs.ListTaskDefinitionsInput
		msg  string
	}{
		{"maxResults 0", sdkecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(0)}, "maxResults"},
		{"maxResults 101", sdkecs.ListTaskDefinitionsInput{MaxResults: aws.Int32(101)}, "maxResults"},
		{"bad token", sdkecs.ListTaskDefinitionsInput{NextToken: aws.String("garbage!")}, "nextToken"},
		{"bad status", sdkecs.ListTaskDefinitionsInput{Status: "GONE"}, "GONE"},
		{"bad sort", sdkecs.ListTaskDefinitionsInput{Sort: "UP"}, "UP"},
		{"bad family", sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("a b")}, "family must match ^[a-zA-Z0-9\\-_]+$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.ListTaskDefinitions(ctx(t), &tc.in)
			assertAPIError(t, err, "InvalidParameterException", tc.msg)
		})
	}
	t.Run("token from another family", func(t *testing.T) {
		out := must[*sdkecs.ListTaskDefinitionsOutput](t)(e.ecs.ListTaskDefinitions(ctx(t), &sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), MaxResults: aws.Int32(1)}))
		_, err := e.ecs.ListTaskDefinitions(ctx(t), &sdkecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("zeta"), NextToken: out.NextToken})
		assertAPIError(t, err, "InvalidParameterException", "nextToken")
	})
}

func TestListTaskDefinitionFamilies(t *testing.T) {
	e := listFixture(t)
	for _, tc := range []struct {
		name string
		in   sdkecs.ListTaskDefinitionFamiliesInput
		want []string
	}{
		{name: "default ACTIVE", want: []string{"web", "web-api", "zeta"}},
		{name: "prefix", in: sdkecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("web")}, want: []string{"web", "web-api"}},
		{name: "prefix partial", in: sdkecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("we")}, want: []string{"web", "web-api"}},
		{name: "INACTIVE", in: sdkecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusInactive}, want: []string{"api"}},
		{name: "ALL", in: sdkecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll}, want: []string{"api", "web", "web-api", "zeta"}},
		{name: "prefix ALL", in: sdkecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("a"), Status: types.TaskDefinitionFamilyStatusAll}, want: []string{"api"}},
		{name: "no match", in: sdkecs.ListTaskDefinitionFamiliesInput{FamilyPrefix: aws.String("q")}, want: nil},
	} {
		for _, max := range []int32{0, 1, 2, 100} {
			t.Run(fmt.Sprintf("%s/maxResults=%d", tc.name, max), func(t *testing.T) {
				got, _ := collectPages(t, 20, func(tok *string) ([]string, *string, error) {
					in := tc.in
					in.NextToken = tok
					if max > 0 {
						in.MaxResults = aws.Int32(max)
					}
					out, err := e.ecs.ListTaskDefinitionFamilies(ctx(t), &in)
					if err != nil {
						return nil, nil, err
					}
					return out.Families, out.NextToken, nil
				})
				assertSameList(t, got, tc.want)
			})
		}
	}
	for _, tc := range []struct {
		name string
		in   sdkecs.ListTaskDefinitionFamiliesInput
	}{
		{"maxResults 0", sdkecs.ListTaskDefinitionFamiliesInput{MaxResults: aws.Int32(0)}},
		{"maxResults 101", sdkecs.ListTaskDefinitionFamiliesInput{MaxResults: aws.Int32(101)}},
		{"bad token", sdkecs.ListTaskDefinitionFamiliesInput{NextToken: aws.String("@@")}},
		{"bad status", sdkecs.ListTaskDefinitionFamiliesInput{Status: "DELETE_IN_PROGRESS"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.ListTaskDefinitionFamilies(ctx(t), &tc.in)
			assertAPIError(t, err, "InvalidParameterException", "")
		})
	}
}
