package cwlogs

import (
	"maps"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Tags of log groups, by ARN (TagResource and friends, which Terraform uses) or by name
// (the older TagLogGroup and friends). Stream ARNs and other resources have none.

// TagResourceInput is TagResource's request.
type TagResourceInput struct {
	ResourceArn string            `json:"resourceArn"`
	Tags        map[string]string `json:"tags"`
}

// UntagResourceInput is UntagResource's request.
type UntagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

// ListTagsForResourceInput is ListTagsForResource's request.
type ListTagsForResourceInput struct {
	ResourceArn string `json:"resourceArn"`
}

// TagLogGroupInput is TagLogGroup's request.
type TagLogGroupInput struct {
	LogGroupName string            `json:"logGroupName"`
	Tags         map[string]string `json:"tags"`
}

// UntagLogGroupInput is UntagLogGroup's request (its tags are keys).
type UntagLogGroupInput struct {
	LogGroupName string   `json:"logGroupName"`
	Tags         []string `json:"tags"`
}

// ListTagsLogGroupInput is ListTagsLogGroup's request.
type ListTagsLogGroupInput = DeleteLogGroupInput

// TagsOutput is the response of the tag listing operations.
type TagsOutput struct {
	Tags map[string]string `json:"tags"`
}

// groupByARN is the group a resource ARN names; s.mu is held.
func (s *Service) groupByARN(arn string) (*group, error) {
	name, ok := cutARN(arn)
	if !ok {
		return nil, ecs.InvalidParameter("1 validation error detected: Value '%s' at 'resourceArn' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@\\-*]*", arn)
	}
	if g := s.groups[name]; g != nil {
		return g, nil
	}
	return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgGroupNotFound)
}

func (s *Service) tag(g *group, tags map[string]string) error {
	if len(tags) > 0 && g.tags == nil {
		g.tags = map[string]string{}
	}
	maps.Copy(g.tags, tags)
	return s.saveMetaLocked()
}

func (s *Service) untag(g *group, keys []string) error {
	for _, k := range keys {
		delete(g.tags, k)
	}
	return s.saveMetaLocked()
}

func tagsOf(g *group) *TagsOutput {
	out := &TagsOutput{Tags: map[string]string{}}
	maps.Copy(out.Tags, g.tags)
	return out
}

// TagResource adds tags to a log group named by ARN.
func (s *Service) TagResource(in *TagResourceInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.tag(g, in.Tags)
}

// UntagResource removes tags from a log group named by ARN.
func (s *Service) UntagResource(in *UntagResourceInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.untag(g, in.TagKeys)
}

// ListTagsForResource lists a log group's tags by its ARN.
func (s *Service) ListTagsForResource(in *ListTagsForResourceInput) (*TagsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.groupByARN(in.ResourceArn)
	if err != nil {
		return nil, err
	}
	return tagsOf(g), nil
}

func (s *Service) namedGroup(name string) (*group, error) {
	if err := checkGroupName("logGroupName", name); err != nil {
		return nil, err
	}
	if g := s.groups[name]; g != nil {
		return g, nil
	}
	return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgGroupNotFound)
}

// TagLogGroup adds tags to a log group by name.
func (s *Service) TagLogGroup(in *TagLogGroupInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.namedGroup(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.tag(g, in.Tags)
}

// UntagLogGroup removes tags from a log group by name.
func (s *Service) UntagLogGroup(in *UntagLogGroupInput) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.namedGroup(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	return &Empty{}, s.untag(g, in.Tags)
}

// ListTagsLogGroup lists a log group's tags by name.
func (s *Service) ListTagsLogGroup(in *ListTagsLogGroupInput) (*TagsOutput, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.namedGroup(in.LogGroupName)
	if err != nil {
		return nil, err
	}
	return tagsOf(g), nil
}
