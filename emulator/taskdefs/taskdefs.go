// Package taskdefs is the task definition operations over the state: register, describe,
// list, deregister, delete, and the reaping of deleted revisions. (Package taskdef
// validates one definition.)
package taskdefs

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/check"
	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
	"github.com/ecsmini/ecsmini/emulator/taskdef"
)

const maxRevisions = 1_000_000

func errNoTaskDef() error { return ecs.ClientError("Unable to describe task definition.") }

// RegisterTaskDefinition validates and stores a new revision of a family. Revision
// numbers continue after deregistered and deleted revisions, as in ECS.
func RegisterTaskDefinition(ctx context.Context, st *state.State, in *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	sc := st.Scope(ctx)
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	td, err := taskdef.Build(in)
	if err != nil {
		return nil, err
	}
	tags := state.MergeTags(nil, in.Tags)
	var rec *state.TaskDef
	err = st.Store.Update(func(tx *store.Tx) error {
		fk := state.Key(sc.Region, td.Family)
		fam, _ := st.Families.Get(fk)
		rev := 1
		if fam != nil {
			rev = fam.LastRevision + 1
		}
		if rev > maxRevisions {
			return ecs.Errorf(ecs.CodeLimitExceeded, "The family %s has reached the limit of %d revisions.", td.Family, maxRevisions)
		}
		td.Revision = rev
		td.TaskDefinitionArn = sc.TaskDefinitionARN(td.Family, rev)
		td.Status = ecs.TaskDefActive
		td.RegisteredAt = ecs.At(st.Clock.Now())
		td.RegisteredBy = ecs.Ptr(sc.RootPrincipal())
		var err error
		if rec, err = state.NewTaskDef(td, tags); err != nil {
			return err
		}
		st.Families.Put(tx, fk, &state.Family{LastRevision: rev})
		st.TaskDefs.Put(tx, state.Key(sc.Region, td.Family, state.RevKey(rev)), rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &ecs.TaskDefinitionOutput{TaskDefinition: rec.Definition}
	if len(rec.Tags) > 0 {
		out.Tags = rec.Tags
	}
	return out, nil
}

// parseTaskDefRef splits "family", "family:rev" or a task definition ARN into region
// (from the ARN, else the caller's), family and revision (0 when absent).
func parseTaskDefRef(ctx context.Context, st *state.State, ref string) (region, family string, rev int, err error) {
	region = st.Scope(ctx).Region
	s := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Service != "ecs" || a.Kind() != "task-definition" || !a.InAccount(st.AccountID) {
			return "", "", 0, errNoTaskDef()
		}
		region, s = a.Region, a.Path()
	}
	family, revStr, hasRev := strings.Cut(s, ":")
	if family == "" {
		return "", "", 0, ecs.ClientError("Family can not be blank.")
	}
	if hasRev {
		n, ok := state.AtoiPositive(revStr)
		if !ok {
			return "", "", 0, ecs.InvalidParameter("Invalid revision number. Number: %s", revStr)
		}
		rev = n
	}
	return region, family, rev, nil
}

// Resolve finds a revision; a bare family means its latest ACTIVE revision.
func Resolve(ctx context.Context, st *state.State, ref string) (string, *state.TaskDef, error) {
	region, family, rev, err := parseTaskDefRef(ctx, st, ref)
	if err != nil {
		return "", nil, err
	}
	if rev > 0 {
		k := state.Key(region, family, state.RevKey(rev))
		r, ok := st.TaskDefs.Get(k)
		if !ok {
			return "", nil, errNoTaskDef()
		}
		return k, r, nil
	}
	var foundKey string
	var found *state.TaskDef
	prefix := state.Key(region, family, "")
	st.TaskDefs.Descend(prefix+"\xff", func(k string, r *state.TaskDef) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if r.Status == ecs.TaskDefActive {
			foundKey, found = k, r
			return false
		}
		return true
	})
	if found == nil {
		return "", nil, errNoTaskDef()
	}
	return foundKey, found, nil
}

// DescribeTaskDefinition describes a revision (include TAGS adds its tags).
func DescribeTaskDefinition(ctx context.Context, st *state.State, in *ecs.DescribeTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	if in.TaskDefinition == "" {
		return nil, ecs.ClientError("TaskDefinition can not be blank.")
	}
	if err := check.Include(in.Include, ecs.EnumTaskDefinitionField); err != nil {
		return nil, err
	}
	var out *ecs.TaskDefinitionOutput
	var err error
	st.Store.View(func() {
		var r *state.TaskDef
		if _, r, err = Resolve(ctx, st, in.TaskDefinition); err != nil {
			return
		}
		out = &ecs.TaskDefinitionOutput{TaskDefinition: r.Definition}
		for _, inc := range in.Include {
			if inc == "TAGS" {
				out.Tags = r.Tags
				if out.Tags == nil {
					out.Tags = []ecs.Tag{}
				}
			}
		}
	})
	return out, err
}

// DeregisterTaskDefinition marks a revision INACTIVE. Tasks and services already using
// it are unaffected; deregistering an INACTIVE revision returns it unchanged.
func DeregisterTaskDefinition(ctx context.Context, st *state.State, in *ecs.TaskDefinitionRef) (*ecs.TaskDefinitionOutput, error) {
	_, _, rev, err := parseTaskDefRef(ctx, st, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if rev == 0 {
		return nil, ecs.ClientError("Revision is missing. Specify the task definition as family:revision or its full ARN.")
	}
	var out json.RawMessage
	err = st.Store.Update(func(tx *store.Tx) error {
		k, r, err := Resolve(ctx, st, in.TaskDefinition)
		if err != nil {
			return err
		}
		if r.Status != ecs.TaskDefActive {
			out = r.Definition
			return nil
		}
		next, err := r.WithStatus(ecs.TaskDefInactive, st.Clock.Now())
		if err != nil {
			return err
		}
		st.TaskDefs.Put(tx, k, next)
		out = next.Definition
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.TaskDefinitionOutput{TaskDefinition: out}, nil
}

// DeleteTaskDefinitions moves INACTIVE revisions to DELETE_IN_PROGRESS; the control
// loop removes them once nothing references them. Problems with single revisions are
// reported in failures, as ECS does.
func DeleteTaskDefinitions(ctx context.Context, st *state.State, in *ecs.DeleteTaskDefinitionsInput) (*ecs.DeleteTaskDefinitionsOutput, error) {
	switch {
	case len(in.TaskDefinitions) == 0:
		return nil, ecs.InvalidParameter("size of TaskDefinition references list must be greater than 0")
	case len(in.TaskDefinitions) > 10:
		return nil, ecs.InvalidParameter("Size of TaskDefinition references list cannot exceed 10")
	}
	sc := st.Scope(ctx)
	out := &ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: []json.RawMessage{}, Failures: []ecs.Failure{}}
	err := st.Store.Update(func(tx *store.Tx) error {
		for _, ref := range in.TaskDefinitions {
			region, family, rev, err := parseTaskDefRef(ctx, st, ref)
			if err != nil || rev == 0 {
				out.Failures = append(out.Failures, ecs.Failure{Arn: ref, Reason: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again."})
				continue
			}
			arn := ecs.Scope{Region: region, Account: sc.Account}.TaskDefinitionARN(family, rev)
			k := state.Key(region, family, state.RevKey(rev))
			r, ok := st.TaskDefs.Get(k)
			switch {
			case !ok:
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "The specified task definition does not exist. Specify a valid account, family, revision and try again."})
			case r.Status == ecs.TaskDefActive:
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again."})
			case r.Status == ecs.TaskDefDeleteInProgress:
				out.TaskDefinitions = append(out.TaskDefinitions, r.Definition)
			default:
				next, err := r.WithStatus(ecs.TaskDefDeleteInProgress, st.Clock.Now())
				if err != nil {
					return err
				}
				st.TaskDefs.Put(tx, k, next)
				out.TaskDefinitions = append(out.TaskDefinitions, next.Definition)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
