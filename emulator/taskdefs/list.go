package taskdefs

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

var FamilyRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,255}$`)

// ListTaskDefinitions lists revision ARNs ordered by family then revision (DESC
// reverses both). familyPrefix is, despite its name, the full family name, as ECS
// documents it.
func ListTaskDefinitions(ctx context.Context, st *state.State, in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
	sc := st.Scope(ctx)
	status := ecs.TaskDefActive
	if in.Status != nil {
		status = *in.Status
	}
	if !ecs.EnumTaskDefinitionStatus.Has(status) {
		return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", status, ecs.EnumTaskDefinitionStatus.List())
	}
	desc := false
	if in.Sort != nil {
		if !ecs.EnumSortOrder.Has(*in.Sort) {
			return nil, ecs.InvalidParameter("Invalid sort '%s'. Valid values: %s.", *in.Sort, ecs.EnumSortOrder.List())
		}
		desc = *in.Sort == "DESC"
	}
	prefix := state.Key(sc.Region, "")
	if f := ecs.Deref(in.FamilyPrefix); f != "" {
		if !FamilyRE.MatchString(f) {
			return nil, ecs.InvalidParameter("family must match ^[a-zA-Z0-9\\-_]+$")
		}
		prefix = state.Key(sc.Region, f, "")
	}
	p, err := paging.New(in.ListInput, prefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{}}
	st.Store.View(func() {
		var rs []*state.TaskDef
		rs, out.NextToken = paging.List(st.TaskDefs, p, prefix, desc, func(_ string, r *state.TaskDef) bool {
			return r.Status == status
		})
		for _, r := range rs {
			out.TaskDefinitionArns = append(out.TaskDefinitionArns, r.ARN)
		}
	})
	return out, nil
}

// ListTaskDefinitionFamilies lists family names starting with familyPrefix: ACTIVE
// (default) families have an ACTIVE revision, INACTIVE ones have none, ALL is both.
func ListTaskDefinitionFamilies(ctx context.Context, st *state.State, in *ecs.ListTaskDefinitionFamiliesInput) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	sc := st.Scope(ctx)
	status := "ACTIVE"
	if in.Status != nil {
		status = *in.Status
	}
	if !ecs.EnumTaskDefFamilyStatus.Has(status) {
		return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: %s.", status, ecs.EnumTaskDefFamilyStatus.List())
	}
	regionPrefix := state.Key(sc.Region, "")
	prefix := regionPrefix + ecs.Deref(in.FamilyPrefix)
	p, err := paging.New(in.ListInput, regionPrefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListTaskDefinitionFamiliesOutput{Families: []string{}}
	st.Store.View(func() {
		var names []string
		keep := func(k string, _ *state.Family) bool {
			active, any := familyState(st, k)
			ok := any && (status == "ALL" || (status == "ACTIVE") == active)
			if ok {
				names = append(names, state.LastPart(k))
			}
			return ok
		}
		_, out.NextToken = paging.List(st.Families, p, prefix, false, keep)
		if len(names) > p.Limit {
			names = names[:p.Limit]
		}
		out.Families = append(out.Families, names...)
	})
	return out, nil
}

// familyState reports whether the family (by its store key) has an ACTIVE revision and
// whether it has any revision still stored.
func familyState(st *state.State, familyKey string) (active, any bool) {
	prefix := familyKey + "\x00"
	st.TaskDefs.Ascend(prefix, func(k string, r *state.TaskDef) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		any = true
		active = r.Status == ecs.TaskDefActive
		return !active
	})
	return active, any
}

// Reap permanently removes DELETE_IN_PROGRESS revisions whose deletion
// was requested at least grace ago and that no task still uses (ECS waits for them to
// stop; services add their references when they arrive).
func Reap(st *state.State, now time.Time, grace time.Duration) error {
	return st.Store.Update(func(tx *store.Tx) error {
		inUse := map[string]bool{}
		st.Tasks.Ascend("", func(_ string, r *state.Task) bool {
			if r.Task.LastStatus != ecs.StatusStopped {
				inUse[r.Task.TaskDefinitionArn] = true
			}
			return true
		})
		var doomed []string
		st.TaskDefs.Ascend("", func(k string, r *state.TaskDef) bool {
			if r.Status == ecs.TaskDefDeleteInProgress && !inUse[r.ARN] && r.DeleteRequestedAt != nil && now.Sub(r.DeleteRequestedAt.Time) >= grace {
				doomed = append(doomed, k)
			}
			return true
		})
		for _, k := range doomed {
			st.TaskDefs.Delete(tx, k)
		}
		return nil
	})
}
