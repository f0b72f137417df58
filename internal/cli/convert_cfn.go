package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ecsmini/ecsmini/internal/composeimport"
)

// cfnRenames are the CloudFormation property names that are not the API's field name
// with a capital first letter.
var cfnRenames = map[string]string{
	"fileSystemId":      "FilesystemId",
	"placementStrategy": "PlacementStrategies",
}

// cfnVerbatim are fields whose values are maps of user keys, kept as they are.
var cfnVerbatim = map[string]bool{"dockerLabels": true, "options": true, "driverOpts": true, "labels": true}

// cfnDropped are request fields CloudFormation has no property for.
var cfnDropped = map[string]bool{"clientToken": true}

// writeCloudFormation writes the plan as a CloudFormation template: the cluster, an
// AWS::ECS::TaskDefinition and an AWS::ECS::Service per service (created after the
// services it depends on). One-off tasks have no CloudFormation resource: they are
// listed in the template's description and left to 'aws ecs run-task'.
func writeCloudFormation(w io.Writer, plan *composeimport.Plan) error {
	resources := map[string]any{}
	cluster := map[string]any{"ClusterName": plan.Cluster}
	if cps := plan.CapacityProviders(); len(cps) > 0 {
		cluster["CapacityProviders"] = cps
	}
	resources["Cluster"] = map[string]any{"Type": "AWS::ECS::Cluster", "Properties": cluster}
	var oneOff []string
	for _, s := range plan.Services {
		id := logicalID(s.Name)
		td, err := cfnProperties(s.TaskDefinition)
		if err != nil {
			return err
		}
		resources[id+"TaskDefinition"] = map[string]any{"Type": "AWS::ECS::TaskDefinition", "Properties": td}
		if s.RunTask != nil {
			oneOff = append(oneOff, s.Name)
			continue
		}
		svc, err := cfnProperties(s.Service)
		if err != nil {
			return err
		}
		svc["Cluster"] = map[string]any{"Ref": "Cluster"}
		svc["TaskDefinition"] = map[string]any{"Ref": id + "TaskDefinition"}
		res := map[string]any{"Type": "AWS::ECS::Service", "Properties": svc}
		var deps []string
		for _, d := range s.DependsOn {
			if dep, ok := plan.Service(d.Service); ok && dep.RunTask == nil {
				deps = append(deps, logicalID(d.Service)+"Service")
			}
		}
		if len(deps) > 0 {
			res["DependsOn"] = deps
		}
		resources[id+"Service"] = res
	}
	desc := fmt.Sprintf("ECS services of the compose project %s (ecsmini convert)", plan.Project)
	if len(oneOff) > 0 {
		desc += "; one-off tasks to run with aws ecs run-task: " + strings.Join(oneOff, ", ")
	}
	return writeClean(w, map[string]any{"AWSTemplateFormatVersion": "2010-09-09", "Description": desc, "Resources": resources})
}

// cfnProperties turns an API request into CloudFormation properties: the same
// structure with capitalised names.
func cfnProperties(v any) (map[string]any, error) {
	raw, err := composeimport.Clean(v)
	if err != nil {
		return nil, err
	}
	var tree map[string]any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	out, _ := cfnKeys(tree).(map[string]any)
	return out, nil
}

func cfnKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if cfnDropped[k] {
				continue
			}
			name := cfnRenames[k]
			if name == "" {
				name = strings.ToUpper(k[:1]) + k[1:]
			}
			if cfnVerbatim[k] {
				out[name] = e
			} else {
				out[name] = cfnKeys(e)
			}
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = cfnKeys(e)
		}
		return t
	}
	return v
}

// logicalID is a CloudFormation logical id from a service name ("my-api" → "MyApi").
func logicalID(name string) string {
	var b strings.Builder
	up := true
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if up && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}
