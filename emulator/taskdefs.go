package emulator

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/taskdef"
)

const maxRevisions = 1_000_000

func errNoTaskDef() error { return ecs.ClientError("Unable to describe task definition.") }

// RegisterTaskDefinition validates and stores a new revision of a family. Revision
// numbers continue after deregistered and deleted revisions, as in ECS.
func (e *Emulator) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	sc := e.st.Scope(ctx)
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	td, err := taskdef.Build(in)
	if err != nil {
		return nil, err
	}
	tags := state.MergeTags(nil, in.Tags)
	var rec *taskDefRecord
	err = e.store.Update(func(tx *store.Tx) error {
		fk := state.Key(sc.Region, td.Family)
		fam, _ := e.families.Get(fk)
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
		td.RegisteredAt = ecs.At(e.cfg.Clock.Now())
		td.RegisteredBy = ecs.Ptr(sc.RootPrincipal())
		var err error
		if rec, err = state.NewTaskDef(td, tags); err != nil {
			return err
		}
		e.families.Put(tx, fk, &familyRecord{LastRevision: rev})
		e.taskDefs.Put(tx, state.Key(sc.Region, td.Family, state.RevKey(rev)), rec)
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
func (e *Emulator) parseTaskDefRef(ctx context.Context, ref string) (region, family string, rev int, err error) {
	region = e.st.Scope(ctx).Region
	s := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Service != "ecs" || a.Kind() != "task-definition" || !a.InAccount(e.cfg.AccountID) {
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

// resolveTaskDef finds a revision; a bare family means its latest ACTIVE revision.
func (e *Emulator) resolveTaskDef(ctx context.Context, ref string) (string, *taskDefRecord, error) {
	region, family, rev, err := e.parseTaskDefRef(ctx, ref)
	if err != nil {
		return "", nil, err
	}
	if rev > 0 {
		k := state.Key(region, family, state.RevKey(rev))
		r, ok := e.taskDefs.Get(k)
		if !ok {
			return "", nil, errNoTaskDef()
		}
		return k, r, nil
	}
	var foundKey string
	var found *taskDefRecord
	prefix := state.Key(region, family, "")
	e.taskDefs.Descend(prefix+"\xff", func(k string, r *taskDefRecord) bool {
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
func (e *Emulator) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput) (*ecs.TaskDefinitionOutput, error) {
	if in.TaskDefinition == "" {
		return nil, ecs.ClientError("TaskDefinition can not be blank.")
	}
	if err := checkInclude(in.Include, ecs.EnumTaskDefinitionField); err != nil {
		return nil, err
	}
	var out *ecs.TaskDefinitionOutput
	var err error
	e.store.View(func() {
		var r *taskDefRecord
		if _, r, err = e.resolveTaskDef(ctx, in.TaskDefinition); err != nil {
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
func (e *Emulator) DeregisterTaskDefinition(ctx context.Context, in *ecs.TaskDefinitionRef) (*ecs.TaskDefinitionOutput, error) {
	_, _, rev, err := e.parseTaskDefRef(ctx, in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if rev == 0 {
		return nil, ecs.ClientError("Revision is missing. Specify the task definition as family:revision or its full ARN.")
	}
	var out json.RawMessage
	err = e.store.Update(func(tx *store.Tx) error {
		k, r, err := e.resolveTaskDef(ctx, in.TaskDefinition)
		if err != nil {
			return err
		}
		if r.Status != ecs.TaskDefActive {
			out = r.Definition
			return nil
		}
		next, err := r.WithStatus(ecs.TaskDefInactive, e.cfg.Clock.Now())
		if err != nil {
			return err
		}
		e.taskDefs.Put(tx, k, next)
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
func (e *Emulator) DeleteTaskDefinitions(ctx context.Context, in *ecs.DeleteTaskDefinitionsInput) (*ecs.DeleteTaskDefinitionsOutput, error) {
	switch {
	case len(in.TaskDefinitions) == 0:
		return nil, ecs.InvalidParameter("size of TaskDefinition references list must be greater than 0")
	case len(in.TaskDefinitions) > 10:
		return nil, ecs.InvalidParameter("Size of TaskDefinition references list cannot exceed 10")
	}
	sc := e.st.Scope(ctx)
	out := &ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: []json.RawMessage{}, Failures: []ecs.Failure{}}
	err := e.store.Update(func(tx *store.Tx) error {
		for _, ref := range in.TaskDefinitions {
			region, family, rev, err := e.parseTaskDefRef(ctx, ref)
			if err != nil || rev == 0 {
				out.Failures = append(out.Failures, ecs.Failure{Arn: ref, Reason: "The specified task definition identifier is invalid. Specify a valid name or ARN and try again."})
				continue
			}
			arn := ecs.Scope{Region: region, Account: sc.Account}.TaskDefinitionARN(family, rev)
			k := state.Key(region, family, state.RevKey(rev))
			r, ok := e.taskDefs.Get(k)
			switch {
			case !ok:
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "The specified task definition does not exist. Specify a valid account, family, revision and try again."})
			case r.Status == ecs.TaskDefActive:
				out.Failures = append(out.Failures, ecs.Failure{Arn: arn, Reason: "The specified task definition is still in ACTIVE status. Please deregister the target and try again."})
			case r.Status == ecs.TaskDefDeleteInProgress:
				out.TaskDefinitions = append(out.TaskDefinitions, r.Definition)
			default:
				next, err := r.WithStatus(ecs.TaskDefDeleteInProgress, e.cfg.Clock.Now())
				if err != nil {
					return err
				}
				e.taskDefs.Put(tx, k, next)
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
