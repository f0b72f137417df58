// Package tagging is ECS resource tags: the checks on tags a caller supplies, and
// TagResource, UntagResource and ListTagsForResource over the state.
package tagging

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

const Max = 50

// tagCharsRE is the character set AWS allows in tag keys and values.
var tagCharsRE = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// ErrTooMany is ECS's answer to more than 50 user tags on a resource. ECS's exact
// wording is not documented; this follows its other limit messages.
func ErrTooMany() error {
	return ecs.InvalidParameter("The number of tags on the resource exceeds the limit of %d.", Max)
}

// Validate checks tags a caller supplies (spec: ecs-control-plane §7.2). Their
// number is checked first, before any per-tag work or lock: a 1 MiB request holds
// tens of thousands of tags. A caller cannot supply aws: tags (reserved), so every
// supplied tag counts toward the limit.
func Validate(tags []ecs.Tag) error {
	if len(tags) > Max {
		return ErrTooMany()
	}
	for _, t := range tags {
		k, v := ecs.Deref(t.Key), ecs.Deref(t.Value)
		switch {
		case utf8.RuneCountInString(k) < 1 || utf8.RuneCountInString(k) > 128:
			return ecs.InvalidParameter("Tag keys must be between 1 and 128 characters.")
		case utf8.RuneCountInString(v) > 256:
			return ecs.InvalidParameter("Tag values must be at most 256 characters.")
		case !tagCharsRE.MatchString(k) || !tagCharsRE.MatchString(v):
			return ecs.InvalidParameter("Tag keys and values may contain only letters, numbers, spaces and the characters _ . : / = + - @.")
		case state.IsReservedTag(k):
			return ecs.InvalidParameter("Tag keys beginning with 'aws:' are reserved for AWS use.")
		}
	}
	return nil
}

func countUserTags(tags []ecs.Tag) int {
	n := 0
	for _, t := range tags {
		if !state.IsReservedTag(ecs.Deref(t.Key)) {
			n++
		}
	}
	return n
}

// ErrClusterInactive is ECS's answer to tagging, untagging or listing the tags of a
// deleted (INACTIVE) cluster, or of a service or task in one.
func ErrClusterInactive() error {
	return ecs.InvalidParameter("The specified cluster is inactive. Specify an active cluster and try again.")
}

// clusterActive refuses a resource whose cluster is still kept but INACTIVE; a cluster
// that is gone altogether leaves the resource's own not-found answer to its caller.
func clusterActive(st *state.State, region, cluster string) error {
	if c, ok := st.Clusters.Get(state.Key(region, cluster)); ok && c.Status != ecs.ClusterActive {
		return ErrClusterInactive()
	}
	return nil
}

// taggable is a resource's tags and a way to commit a change to them.
type taggable struct {
	tags []ecs.Tag
	put  func(tx *store.Tx, tags []ecs.Tag)
}

// resolveTaggable finds the resource an ARN names.
func resolveTaggable(ctx context.Context, st *state.State, resourceArn string) (*taggable, error) {
	a, ok := ecs.ParseARN(resourceArn)
	if !ok || a.Service != "ecs" || !a.InAccount(st.AccountID) {
		return nil, ecs.InvalidParameter("The ARN provided is invalid.")
	}
	switch a.Kind() {
	case "cluster":
		k := state.Key(a.Region, a.Path())
		c, ok := st.Clusters.Get(k)
		if !ok {
			return nil, ecs.ClusterNotFound()
		}
		if c.Status != ecs.ClusterActive {
			return nil, ErrClusterInactive()
		}
		return &taggable{tags: c.Tags, put: func(tx *store.Tx, tags []ecs.Tag) {
			cp := *c
			cp.Tags = tags
			st.Clusters.Put(tx, k, &cp)
		}}, nil
	case "capacity-provider":
		name := a.Path()
		if name == ecs.Fargate || name == ecs.FargateSpot {
			return nil, ecs.InvalidParameter("The FARGATE and FARGATE_SPOT capacity providers cannot be tagged.")
		}
		k := state.Key(a.Region, name)
		cp, ok := st.Providers.Get(k)
		if !ok || cp.Status != ecs.CapacityProviderActive {
			return nil, ecs.Errorf(ecs.CodeResourceNotFound, "The specified capacity provider does not exist.")
		}
		return &taggable{tags: cp.Tags, put: func(tx *store.Tx, tags []ecs.Tag) {
			c := *cp
			c.Tags = tags
			st.Providers.Put(tx, k, &c)
		}}, nil
	case "service":
		cluster, name, ok := strings.Cut(a.Path(), "/")
		if !ok {
			return nil, ecs.InvalidParameter("The ARN provided is invalid.")
		}
		if err := clusterActive(st, a.Region, cluster); err != nil {
			return nil, err
		}
		k := state.ServiceKey(a.Region, cluster, name)
		r, ok := st.Services.Get(k)
		if !ok || r.Service.Status == ecs.ServiceInactive {
			return nil, ecs.Errorf(ecs.CodeServiceNotFound, "Service not found.")
		}
		return &taggable{tags: r.Service.Tags, put: func(tx *store.Tx, tags []ecs.Tag) {
			c := r.Clone()
			c.Service.Tags = tags
			st.Services.Put(tx, k, c)
		}}, nil
	case "task":
		cluster, id, ok := strings.Cut(a.Path(), "/")
		if !ok {
			return nil, ecs.InvalidParameter("The ARN provided is invalid.")
		}
		if err := clusterActive(st, a.Region, cluster); err != nil {
			return nil, err
		}
		k := state.TaskKey(a.Region, cluster, id)
		r, ok := st.Tasks.Get(k)
		if !ok {
			return nil, ecs.InvalidParameter("The referenced task was not found.")
		}
		return &taggable{tags: r.Task.Tags, put: func(tx *store.Tx, tags []ecs.Tag) {
			next := *r
			next.Task = state.CloneTask(r.Task)
			next.Task.Tags = tags
			st.Tasks.Put(tx, k, &next)
		}}, nil
	case "task-definition":
		family, rev, _ := strings.Cut(a.Path(), ":")
		n, ok := state.AtoiPositive(rev)
		if !ok {
			return nil, ecs.InvalidParameter("The ARN provided is invalid.")
		}
		k := state.Key(a.Region, family, state.RevKey(n))
		r, ok := st.TaskDefs.Get(k)
		if !ok {
			return nil, ecs.ClientError("Unable to describe task definition.")
		}
		return &taggable{tags: r.Tags, put: func(tx *store.Tx, tags []ecs.Tag) {
			st.TaskDefs.Put(tx, k, r.WithTags(tags))
		}}, nil
	}
	return nil, ecs.InvalidParameter("The ARN provided is invalid.")
}

// TagResource adds or overwrites tags on a resource.
func TagResource(ctx context.Context, st *state.State, in *ecs.TagResourceInput) (*ecs.Empty, error) {
	if len(in.Tags) == 0 {
		return nil, ecs.InvalidParameter("Tags can not be empty.")
	}
	if err := Validate(in.Tags); err != nil {
		return nil, err
	}
	err := st.Store.Update(func(tx *store.Tx) error {
		r, err := resolveTaggable(ctx, st, in.ResourceArn)
		if err != nil {
			return err
		}
		tags := state.MergeTags(r.tags, in.Tags)
		if countUserTags(tags) > Max {
			return ErrTooMany()
		}
		r.put(tx, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.Empty{}, nil
}

// UntagResource removes tags by key; keys the resource does not have are ignored.
func UntagResource(ctx context.Context, st *state.State, in *ecs.UntagResourceInput) (*ecs.Empty, error) {
	if len(in.TagKeys) == 0 {
		return nil, ecs.InvalidParameter("TagKeys can not be empty.")
	}
	err := st.Store.Update(func(tx *store.Tx) error {
		r, err := resolveTaggable(ctx, st, in.ResourceArn)
		if err != nil {
			return err
		}
		tags := slices.DeleteFunc(slices.Clone(r.tags), func(t ecs.Tag) bool { return slices.Contains(in.TagKeys, ecs.Deref(t.Key)) })
		if tags == nil {
			tags = []ecs.Tag{}
		}
		r.put(tx, tags)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.Empty{}, nil
}

// ListTagsForResource lists a resource's tags.
func ListTagsForResource(ctx context.Context, st *state.State, in *ecs.ResourceRef) (*ecs.TagsOutput, error) {
	var out *ecs.TagsOutput
	var err error
	st.Store.View(func() {
		var r *taggable
		if r, err = resolveTaggable(ctx, st, in.ResourceArn); err == nil {
			out = &ecs.TagsOutput{Tags: slices.Clone(r.tags)}
			if out.Tags == nil {
				out.Tags = []ecs.Tag{}
			}
		}
	})
	return out, err
}
