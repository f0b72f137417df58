package composeimport

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
)

// Convert turns a loaded compose project into ECS inputs. It fails only on what cannot
// become ECS at all (an invalid x-ecs block, a service too large for Fargate, a
// dependency cycle); everything else that does not carry over becomes a Warning.
func Convert(p *types.Project, o Options) (*Plan, error) {
	o = o.withDefaults()
	plan := &Plan{Project: p.Name, Cluster: clusterName(p, o)}
	plan.Warnings = append(plan.Warnings, projectWarnings(p)...)
	for _, name := range p.ServiceNames() {
		sc := newServiceConverter(p, o, plan.Cluster, p.Services[name])
		s, err := sc.convert()
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		plan.Services = append(plan.Services, *s)
		plan.Warnings = append(plan.Warnings, sc.warnings...)
		plan.Notes = append(plan.Notes, sc.notes...)
	}
	ordered, err := startOrder(plan.Services)
	if err != nil {
		return nil, err
	}
	plan.Services = ordered
	return plan, nil
}

// clusterName is Options.Cluster, else the project's x-aws-cluster (Docker's ECS
// integration named the cluster so), else the project name.
func clusterName(p *types.Project, o Options) string {
	if o.Cluster != "" {
		return o.Cluster
	}
	if v, ok := p.Extensions["x-aws-cluster"].(string); ok && v != "" {
		if i := strings.LastIndex(v, "/"); i >= 0 { // an ARN
			return v[i+1:]
		}
		return v
	}
	return ecsName(p.Name)
}

var notECSName = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// ecsName makes a compose name (which may hold dots) a valid ECS name (letters,
// digits, hyphens and underscores).
func ecsName(s string) string {
	return notECSName.ReplaceAllString(s, "-")
}

// projectWarnings are the project-level keys that do not carry over.
func projectWarnings(p *types.Project) []Warning {
	var ws []Warning
	var custom []string
	for name := range p.Networks {
		if name != "default" {
			custom = append(custom, name)
		}
	}
	sort.Strings(custom)
	if len(custom) > 0 {
		ws = append(ws, Warning{Key: "networks", Message: fmt.Sprintf("networks %s become the cluster's one network: every service resolves every other by name, so their isolation is not kept", strings.Join(custom, ", "))})
	}
	if len(p.Jobs) > 0 {
		ws = append(ws, Warning{Key: "jobs", Message: "not supported; ignored"})
	}
	if len(p.Models) > 0 {
		ws = append(ws, Warning{Key: "models", Message: "not supported; ignored"})
	}
	for _, name := range sortedKeys(p.Configs) {
		ws = append(ws, Warning{Key: "configs." + name, Message: "ECS has no configs; services that mount it are warned"})
	}
	for _, k := range sortedKeys(p.Extensions) {
		switch {
		case k == "x-aws-cluster":
		case strings.HasPrefix(k, "x-aws-"):
			ws = append(ws, Warning{Key: k, Message: "not supported by ecsmini; ignored"})
		}
	}
	return ws
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// startOrder sorts services so that each comes after those it depends on, by name
// otherwise, and fails on a cycle.
func startOrder(services []Service) ([]Service, error) {
	byName := map[string]Service{}
	for _, s := range services {
		byName[s.Name] = s
	}
	state := map[string]int{} // 1 visiting, 2 done
	var out []Service
	var visit func(name string, path []string) error
	visit = func(name string, path []string) error {
		switch state[name] {
		case 1:
			return fmt.Errorf("depends_on cycle: %s", strings.Join(append(path, name), " → "))
		case 2:
			return nil
		}
		s, ok := byName[name]
		if !ok {
			return nil // a dependency outside the active profiles: compose-go has checked it
		}
		state[name] = 1
		for _, d := range s.DependsOn {
			if err := visit(d.Service, append(path, name)); err != nil {
				return err
			}
		}
		state[name] = 2
		out = append(out, s)
		return nil
	}
	for _, s := range services {
		if err := visit(s.Name, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}
