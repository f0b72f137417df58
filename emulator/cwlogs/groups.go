package cwlogs

import (
	"encoding/base64"
	"maps"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// retentionDays are the values PutRetentionPolicy accepts.
var retentionDays = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

var groupClasses = []string{"STANDARD", "INFREQUENT_ACCESS", "DELIVERY"}

// CreateLogGroup creates an empty log group.
func (s *Service) CreateLogGroup(in *CreateLogGroupInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	class := in.LogGroupClass
	if class == "" {
		class = "STANDARD"
	}
	if !slices.Contains(groupClasses, class) {
		return nil, ecs.InvalidParameter("1 validation error detected: Value '%s' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [%s]", class, strings.Join(groupClasses, ", "))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.groups[in.LogGroupName] != nil {
		return nil, ecs.Errorf(CodeResourceAlreadyExists, msgGroupExists)
	}
	g := &group{name: in.LogGroupName, created: s.nowMillis(), class: class, kms: in.KmsKeyID, streams: map[string]*stream{}}
	if len(in.Tags) > 0 {
		g.tags = maps.Clone(in.Tags)
	}
	s.groups[in.LogGroupName] = g
	return &Empty{}, s.saveMetaLocked()
}

// DeleteLogGroup deletes a group with its streams and events.
func (s *Service) DeleteLogGroup(in *DeleteLogGroupInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[in.LogGroupName]
	if g == nil {
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgGroupNotFound)
	}
	delete(s.groups, g.name)
	if err := s.saveMetaLocked(); err != nil {
		return nil, err
	}
	for _, st := range g.streams {
		if err := s.removeEventsLocked(st); err != nil {
			return nil, err
		}
	}
	return &Empty{}, nil
}

// DescribeLogGroups lists groups in name order, 50 a page unless limited.
func (s *Service) DescribeLogGroups(in *DescribeLogGroupsInput) (*DescribeLogGroupsOutput, error) {
	limit, err := checkLimit(in.Limit, 50, 50)
	if err != nil {
		return nil, err
	}
	if in.LogGroupNamePrefix != "" && in.LogGroupNamePattern != "" {
		return nil, ecs.InvalidParameter("LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.")
	}
	after, err := decodeNameToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	wanted := map[string]bool{}
	for _, id := range in.LogGroupIdentifiers {
		wanted[groupName(id)] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []string
	for name, g := range s.groups {
		switch {
		case !strings.HasPrefix(name, in.LogGroupNamePrefix),
			in.LogGroupNamePattern != "" && !strings.Contains(strings.ToLower(name), strings.ToLower(in.LogGroupNamePattern)),
			len(wanted) > 0 && !wanted[name],
			in.LogGroupClass != "" && g.class != in.LogGroupClass,
			in.NextToken != "" && name <= after:
			continue
		}
		names = append(names, name)
	}
	slices.Sort(names)
	out := &DescribeLogGroupsOutput{LogGroups: []LogGroup{}}
	for i, name := range names {
		if i == limit {
			out.NextToken = encodeNameToken(names[i-1])
			break
		}
		g := s.groups[name]
		if err := s.expireLocked(g); err != nil {
			return nil, err
		}
		out.LogGroups = append(out.LogGroups, s.describeGroup(g))
	}
	return out, nil
}

func (s *Service) describeGroup(g *group) LogGroup {
	arn := s.groupARN(g.name)
	lg := LogGroup{LogGroupName: g.name, CreationTime: g.created, Arn: arn + ":*", LogGroupArn: arn,
		LogGroupClass: g.class, KmsKeyID: g.kms}
	if g.retention > 0 {
		lg.RetentionInDays = ecs.Ptr(g.retention)
	}
	for _, st := range g.streams {
		lg.StoredBytes += st.bytes
	}
	return lg
}

// PutRetentionPolicy sets how many days a group keeps events; older ones are purged at
// once, on the service's clock.
func (s *Service) PutRetentionPolicy(in *PutRetentionPolicyInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if in.RetentionInDays == nil {
		return nil, ecs.InvalidParameter("1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null")
	}
	if !slices.Contains(retentionDays, *in.RetentionInDays) {
		vals := make([]string, len(retentionDays))
		for i, d := range retentionDays {
			vals[i] = itoa(int64(d))
		}
		return nil, ecs.InvalidParameter("1 validation error detected: Value '%d' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [%s]", *in.RetentionInDays, strings.Join(vals, ", "))
	}
	return s.setRetention(in.LogGroupName, *in.RetentionInDays)
}

// DeleteRetentionPolicy makes a group keep its events for ever.
func (s *Service) DeleteRetentionPolicy(in *DeleteRetentionPolicyInput) (*Empty, error) {
	if err := checkGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	return s.setRetention(in.LogGroupName, 0)
}

func (s *Service) setRetention(name string, days int) (*Empty, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.groups[name]
	if g == nil {
		return nil, ecs.Errorf(ecs.CodeResourceNotFound, msgGroupNotFound)
	}
	g.retention = days
	if err := s.expireLocked(g); err != nil {
		return nil, err
	}
	return &Empty{}, s.saveMetaLocked()
}

// Name tokens page through name-ordered lists: the last name returned, opaque.
func encodeNameToken(name string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n/" + name))
}

func decodeNameToken(tok string) (string, error) {
	if tok == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	name, ok := strings.CutPrefix(string(b), "n/")
	if err != nil || !ok {
		return "", ecs.InvalidParameter(msgBadToken)
	}
	return name, nil
}
