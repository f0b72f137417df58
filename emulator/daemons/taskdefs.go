package daemons

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
	"github.com/ecsmini/ecsmini/emulator/tagging"
)

// Daemon task definitions (RegisterDaemonTaskDefinition and the rest): families of
// numbered revisions, as task definitions are, stored under (region, family, revision).
// Deleting one moves it to DELETE_IN_PROGRESS; it stays listed (with status
// DELETE_IN_PROGRESS or ALL) so that revision numbers keep counting.

var daemonFamilyRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

func daemonTaskDefARN(sc ecs.Scope, family string, rev int) string {
	return "arn:aws:ecs:" + sc.Region + ":" + sc.Account + ":daemon-task-definition/" + family + ":" + strconv.Itoa(rev)
}

// daemonContainer is what ecsmini checks of a daemon container definition.
type daemonContainer struct {
	Name  string `json:"name"`
	Image string `json:"image"`
}

// checkDaemonContainers lists the problems of a container definition list: ECS
// requires at least one container, each with an image, and names that are unique.
func checkDaemonContainers(raw json.RawMessage) ([]daemonContainer, []string) {
	var cs []daemonContainer
	if len(raw) == 0 || json.Unmarshal(raw, &cs) != nil || len(cs) == 0 {
		return nil, []string{"Container definitions cannot be empty."}
	}
	var problems []string
	seen := map[string]bool{}
	for i, c := range cs {
		if c.Image == "" {
			problems = append(problems, "Container.image should not be null or empty.")
		}
		if c.Name == "" {
			cs[i].Name = "container-" + strconv.Itoa(i)
		} else if seen[c.Name] {
			problems = append(problems, "Container names must be unique within a daemon task definition: "+c.Name+".")
		}
		seen[c.Name] = true
	}
	return cs, problems
}

// RegisterDaemonTaskDefinition registers the next revision of a family.
func (dm *Daemons) RegisterDaemonTaskDefinition(ctx context.Context, in *ecs.RegisterDaemonTaskDefinitionInput) (*ecs.DaemonTaskDefinitionArnOutput, error) {
	var problems []string
	if in.Family == "" {
		problems = append(problems, "Family can not be blank.")
	} else if !daemonFamilyRE.MatchString(in.Family) {
		problems = append(problems, "Family must match ^[a-zA-Z0-9_-]{1,255}$.")
	}
	_, cp := checkDaemonContainers(in.ContainerDefinitions)
	problems = append(problems, cp...)
	if len(problems) > 0 {
		return nil, ecs.ClientError("%s", strings.Join(problems, " "))
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return nil, err
	}
	sc := dm.st.Scope(ctx)
	var out *ecs.DaemonTaskDefinitionArnOutput
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		rev := 1
		prefix := state.Key(sc.Region, in.Family) + "\x00"
		dm.daemonTaskDefs.Descend(prefix+"\xff", func(k string, d *ecs.DaemonTaskDefinition) bool {
			if strings.HasPrefix(k, prefix) {
				rev = d.Revision + 1
			}
			return false
		})
		td := &ecs.DaemonTaskDefinition{DaemonTaskDefinitionArn: daemonTaskDefARN(sc, in.Family, rev), Family: in.Family,
			Revision: rev, TaskRoleArn: in.TaskRoleArn, ExecutionRoleArn: in.ExecutionRoleArn, ContainerDefinitions: in.ContainerDefinitions,
			Volumes: in.Volumes, Cpu: in.Cpu, Memory: in.Memory, Status: ecs.DaemonActive,
			RegisteredAt: ecs.At(dm.st.Clock.Now()), RegisteredBy: sc.RootPrincipal(), Tags: in.Tags}
		dm.daemonTaskDefs.Put(tx, prefix+state.RevKey(rev), td)
		out = &ecs.DaemonTaskDefinitionArnOutput{DaemonTaskDefinitionArn: td.DaemonTaskDefinitionArn}
		return nil
	})
	return out, err
}

// findDaemonTaskDef resolves family, family:revision or an ARN; a bare family means
// its latest ACTIVE revision. It must run inside a store View or Update.
func (dm *Daemons) findDaemonTaskDef(ctx context.Context, ref string) (string, *ecs.DaemonTaskDefinition, error) {
	sc := dm.st.Scope(ctx)
	s := ref
	if a, ok := ecs.ParseARN(ref); ok {
		if a.Service != "ecs" || a.Kind() != "daemon-task-definition" || !a.InAccount(sc.Account) {
			return "", nil, ecs.ClientError("Invalid daemon task definition ARN %s.", ref)
		}
		sc.Region, s = a.Region, a.Path()
	}
	if s == "" {
		return "", nil, ecs.ClientError("Daemon task definition can not be blank.")
	}
	family, revStr, hasRev := strings.Cut(s, ":")
	notFound := ecs.ClientError("Unable to describe daemon task definition.")
	if hasRev {
		rev, ok := state.AtoiPositive(revStr)
		if !ok {
			return "", nil, ecs.ClientError("Invalid revision number. Number: %s", revStr)
		}
		k := state.Key(sc.Region, family, state.RevKey(rev))
		d, found := dm.daemonTaskDefs.Get(k)
		if !found {
			return "", nil, notFound
		}
		return k, d, nil
	}
	var fk string
	var found *ecs.DaemonTaskDefinition
	prefix := state.Key(sc.Region, family) + "\x00"
	dm.daemonTaskDefs.Descend(prefix+"\xff", func(k string, d *ecs.DaemonTaskDefinition) bool {
		if !strings.HasPrefix(k, prefix) {
			return false
		}
		if d.Status == ecs.DaemonActive {
			fk, found = k, d
			return false
		}
		return true
	})
	if found == nil {
		return "", nil, notFound
	}
	return fk, found, nil
}

// DescribeDaemonTaskDefinition describes one daemon task definition.
func (dm *Daemons) DescribeDaemonTaskDefinition(ctx context.Context, in *ecs.DaemonTaskDefinitionRef) (*ecs.DescribeDaemonTaskDefinitionOutput, error) {
	var out *ecs.DescribeDaemonTaskDefinitionOutput
	var err error
	dm.st.Store.View(func() {
		var d *ecs.DaemonTaskDefinition
		if _, d, err = dm.findDaemonTaskDef(ctx, in.DaemonTaskDefinition); err == nil {
			c := *d
			out = &ecs.DescribeDaemonTaskDefinitionOutput{DaemonTaskDefinition: &c}
		}
	})
	return out, err
}

// DeleteDaemonTaskDefinition moves a revision to DELETE_IN_PROGRESS. Daemons that use
// it keep running it.
func (dm *Daemons) DeleteDaemonTaskDefinition(ctx context.Context, in *ecs.DaemonTaskDefinitionRef) (*ecs.DaemonTaskDefinitionArnOutput, error) {
	if ref := in.DaemonTaskDefinition; ref != "" && !strings.Contains(ref, ":") {
		return nil, ecs.ClientError("The specified daemon task definition identifier is invalid. Specify a valid name or ARN with a revision number (family:revision) and try again.")
	}
	var out *ecs.DaemonTaskDefinitionArnOutput
	err := dm.st.Store.Update(func(tx *store.Tx) error {
		k, d, err := dm.findDaemonTaskDef(ctx, in.DaemonTaskDefinition)
		if err != nil {
			return err
		}
		if d.Status == ecs.DaemonActive {
			c := *d
			c.Status, c.DeleteRequestedAt = ecs.DaemonDeleteInProgress, ecs.At(dm.st.Clock.Now())
			dm.daemonTaskDefs.Put(tx, k, &c)
		}
		out = &ecs.DaemonTaskDefinitionArnOutput{DaemonTaskDefinitionArn: d.DaemonTaskDefinitionArn}
		return nil
	})
	return out, err
}

// ListDaemonTaskDefinitions lists revisions by family and revision (ASC, or DESC),
// ACTIVE ones unless status says otherwise.
func (dm *Daemons) ListDaemonTaskDefinitions(ctx context.Context, in *ecs.ListDaemonTaskDefinitionsInput) (*ecs.ListDaemonTaskDefinitionsOutput, error) {
	status := in.Status
	switch status {
	case "":
		status = ecs.DaemonActive
	case ecs.DaemonActive, ecs.DaemonDeleteInProgress, "ALL":
	default:
		return nil, ecs.InvalidParameter("Invalid status '%s'. Valid values: ACTIVE, DELETE_IN_PROGRESS, ALL.", status)
	}
	if in.Revision != "" && in.Revision != "LAST_REGISTERED" {
		return nil, ecs.InvalidParameter("Invalid revision '%s'. Valid values: LAST_REGISTERED.", in.Revision)
	}
	if in.Sort != "" && !ecs.EnumSortOrder.Has(in.Sort) {
		return nil, ecs.InvalidParameter("Invalid sort '%s'. Valid values: %s.", in.Sort, ecs.EnumSortOrder.List())
	}
	sc := dm.st.Scope(ctx)
	prefix := sc.Region + "\x00"
	if in.Family != "" {
		prefix = state.Key(sc.Region, in.Family) + "\x00"
	}
	p, err := paging.New(in.ListInput, prefix, 100, 100)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListDaemonTaskDefinitionsOutput{DaemonTaskDefinitions: []ecs.DaemonTaskDefinitionSummary{}}
	dm.st.Store.View(func() {
		last := map[string]int{}
		if in.Revision == "LAST_REGISTERED" {
			dm.daemonTaskDefs.Ascend(prefix, func(k string, d *ecs.DaemonTaskDefinition) bool {
				if !strings.HasPrefix(k, prefix) {
					return false
				}
				last[d.Family] = d.Revision
				return true
			})
		}
		ds, next := paging.List(dm.daemonTaskDefs, p, prefix, in.Sort == "DESC", func(_ string, d *ecs.DaemonTaskDefinition) bool {
			return (status == "ALL" || d.Status == status) && strings.HasPrefix(d.Family, in.FamilyPrefix) &&
				(in.Revision == "" || last[d.Family] == d.Revision)
		})
		for _, d := range ds {
			out.DaemonTaskDefinitions = append(out.DaemonTaskDefinitions, ecs.DaemonTaskDefinitionSummary{Arn: d.DaemonTaskDefinitionArn,
				RegisteredAt: d.RegisteredAt, RegisteredBy: d.RegisteredBy, DeleteRequestedAt: d.DeleteRequestedAt, Status: d.Status})
		}
		out.NextToken = next
	})
	return out, nil
}
