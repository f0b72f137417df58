package state

import (
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

func IsReservedTag(k string) bool { return strings.HasPrefix(strings.ToLower(k), "aws:") }

// MergeTags returns old with tags added, an existing key's value overwritten.
func MergeTags(old, add []ecs.Tag) []ecs.Tag {
	out := slices.Clone(old)
	if out == nil {
		out = []ecs.Tag{}
	}
	for _, t := range add {
		t.Value = ecs.Ptr(ecs.Deref(t.Value))
		i := slices.IndexFunc(out, func(o ecs.Tag) bool { return ecs.Deref(o.Key) == ecs.Deref(t.Key) })
		if i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out
}

// ServiceGroup is the task group of a service's tasks, as ECS sets it.
func ServiceGroup(name string) string { return "service:" + name }

// LaunchOfStrategy is the launch type a capacity provider strategy implies.
func LaunchOfStrategy(strategy []ecs.CapacityProviderStrategyItem) string {
	for _, it := range strategy {
		if it.CapacityProvider == ecs.Fargate || it.CapacityProvider == ecs.FargateSpot {
			return ecs.LaunchFargate
		}
	}
	return ecs.LaunchEC2
}

// NamespaceName reduces a Cloud Map namespace ARN to its id, so a name and an ARN
// compare equal only when they are written the same way (ecsmini has no Cloud Map).
func NamespaceName(ns string) string {
	if i := strings.LastIndexByte(ns, '/'); i >= 0 && strings.HasPrefix(ns, "arn:") {
		return ns[i+1:]
	}
	return ns
}
