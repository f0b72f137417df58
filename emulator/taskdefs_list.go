package emulator

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

var familyRE = regexp.MustCompile(`^[a-zA-Z0-9\-_]{1,255}$`)

// ListTaskDefinitions lists revision ARNs ordered by family then revision (DESC
// reverses both). familyPrefix is, despite its name, the full family name, as ECS
// documents it.
func (e *Emulator) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error) {
	sc := e.st.Scope(ctx)
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
		if !familyRE.MatchString(f) {
			return nil, ecs.InvalidParameter("family must match ^[a-zA-Z0-9\\-_]+$")
		}
		prefix = state.Key(sc.Region, f, "")
	}
	p, err := paging.New(in.ListInput, prefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: []string{}}
	e.store.View(func() {
		var rs []*taskDefRecord
		rs, out.NextToken = paging.List(e.taskDefs, p, prefix, desc, func(_ string, r *taskDefRecord) bool {
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
func (e *Emulator) ListTaskDefinitionFamilies(ctx context.Context, in *ecs.ListTaskDefinitionFamiliesInput) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	sc := e.st.Scope(ctx)
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
	e.store.View(func() {
		var names []string
		keep := func(k string, _ *familyRecord) bool {
			active, any := e.familyState(k)
			ok := any && (status == "ALL" || (status == "ACTIVE") == active)
			if ok {
				names = append(names, state.LastPart(k))
			}
			return ok
		}
		_, out.NextToken = paging.List(e.families, p, prefix, false, keep)
		if len(names) > p.Limit {
			names = names[:p.Limit]
		}
		out.Families = append(out.Families, names...)
	})
	return out, nil
}

// familyState reports whether the family (by its store key) has an ACTIVE revision and
// whether it has any revision still stored.
func (e *Emulator) familyState(familyKey string) (active, any bool) {
	prefix := familyKey + "\x00"
	e.taskDefs.Ascend(prefix, func(k string, r *taskDefRecord) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		any = true
		active = r.Status == ecs.TaskDefActive
		return !active
	})
	return active, any
}

// reapTaskDefinitions permanently removes DELETE_IN_PROGRESS revisions whose deletion
// was requested at least grace ago and that no task still uses (ECS waits for them to
// stop; services add their references when they arrive).
func (e *Emulator) reapTaskDefinitions(now time.Time, grace time.Duration) error {
	return e.store.Update(func(tx *store.Tx) error {
		inUse := map[string]bool{}
		e.tasks.Ascend("", func(_ string, r *taskRecord) bool {
			if r.Task.LastStatus != ecs.StatusStopped {
				inUse[r.Task.TaskDefinitionArn] = true
			}
			return true
		})
		var doomed []string
		e.taskDefs.Ascend("", func(k string, r *taskDefRecord) bool {
			if r.Status == ecs.TaskDefDeleteInProgress && !inUse[r.ARN] && r.DeleteRequestedAt != nil && now.Sub(r.DeleteRequestedAt.Time) >= grace {
				doomed = append(doomed, k)
			}
			return true
		})
		for _, k := range doomed {
			e.taskDefs.Delete(tx, k)
		}
		return nil
	})
}
