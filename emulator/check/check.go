// Package check holds the request checks several operations share, each answering
// with the ECS-shaped error ECS gives.
package check

import "github.com/ecsmini/ecsmini/emulator/ecs"

// Include refuses an include value the operation's field enumeration lacks.
func Include(include []string, allowed ecs.Enum) error {
	for _, v := range include {
		if !allowed.Has(v) {
			return ecs.InvalidParameter("Invalid include value '%s'.", v)
		}
	}
	return nil
}
