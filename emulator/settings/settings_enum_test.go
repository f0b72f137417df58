package settings

import (
	"slices"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// The account settings table validates setting names; ecs.EnumSettingName (held against
// the API model by emulator/ecs's enum test) must name exactly its settings.
func TestAccountSettingsAreTheEnumsNames(t *testing.T) {
	var names []string
	for _, s := range accountSettings {
		names = append(names, s.name)
	}
	if !slices.Equal(names, ecs.EnumSettingName.Values) {
		t.Fatalf("account settings %q, ecs.EnumSettingName %q", names, ecs.EnumSettingName.Values)
	}
}
