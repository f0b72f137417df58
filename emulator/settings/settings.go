// Package settings is the account settings: their names and defaults, the effective
// value for a principal, and the AccountSetting operations over the state.
package settings

import (
	"context"
	"slices"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// accountSetting describes one account setting: its built-in default and valid values.
type accountSetting struct {
	name     string
	def      string
	values   []string
	readOnly bool
}

// accountSettings are ECS's account settings in the order ListAccountSettings returns
// them (spec: ecs-control-plane §7.3).
var accountSettings = []accountSetting{
	{name: "serviceLongArnFormat", def: "enabled", values: []string{"enabled"}},
	{name: "taskLongArnFormat", def: "enabled", values: []string{"enabled"}},
	{name: "containerInstanceLongArnFormat", def: "enabled", values: []string{"enabled"}},
	{name: "awsvpcTrunking", def: "disabled", values: []string{"enabled", "disabled"}},
	{name: "containerInsights", def: "disabled", values: []string{"enabled", "disabled", "enhanced"}},
	{name: "dualStackIPv6", def: "disabled", values: []string{"enabled", "disabled"}},
	{name: "fargateFIPSMode", def: "disabled", values: []string{"enabled", "disabled"}},
	{name: "tagResourceAuthorization", def: "on", values: []string{"on", "off"}},
	{name: "fargateTaskRetirementWaitPeriod", def: "7", values: []string{"0", "7", "14"}},
	{name: "guardDutyActivate", def: "off", values: []string{"on", "off"}, readOnly: true},
	{name: "defaultLogDriverMode", def: "non-blocking", values: []string{"blocking", "non-blocking"}},
	{name: "fargateEventWindows", def: "disabled", values: []string{"enabled", "disabled"}},
}

func lookupSetting(name string) (accountSetting, error) {
	i := slices.IndexFunc(accountSettings, func(s accountSetting) bool { return s.name == name })
	if i < 0 {
		names := make([]string, len(accountSettings))
		for j, s := range accountSettings {
			names[j] = s.name
		}
		return accountSetting{}, ecs.InvalidParameter("Invalid setting name '%s'. Valid names: %s.", name, strings.Join(names, ", "))
	}
	return accountSettings[i], nil
}

// settingKey stores a principal's setting. The root principal's settings are the
// account defaults: PutAccountSettingDefault writes them.
func settingKey(sc ecs.Scope, principal, name string) string {
	return state.Key(sc.Region, principal, name)
}

// Effective resolves a setting for principal: its own value, else the account
// default (root's), else ECS's built-in default.
func Effective(st *state.State, sc ecs.Scope, principal, name string) ecs.Setting {
	if s, ok := st.Settings.Get(settingKey(sc, principal, name)); ok {
		return *s
	}
	if s, ok := st.Settings.Get(settingKey(sc, sc.RootPrincipal(), name)); ok {
		return *s
	}
	def, _ := lookupSetting(name)
	typ := ecs.SettingTypeUser
	if def.readOnly {
		typ = ecs.SettingTypeAWSManaged
	}
	return ecs.Setting{Name: name, Value: def.def, PrincipalArn: sc.RootPrincipal(), Type: typ}
}

func putSetting(ctx context.Context, st *state.State, name, value, principal string) (*ecs.SettingOutput, error) {
	sc := st.Scope(ctx)
	def, err := lookupSetting(name)
	if err != nil {
		return nil, err
	}
	if def.readOnly {
		return nil, ecs.InvalidParameter("The %s account setting is managed by AWS and cannot be changed.", name)
	}
	if !slices.Contains(def.values, value) {
		return nil, ecs.InvalidParameter("Invalid setting 'value'")
	}
	if principal == "" {
		principal = sc.RootPrincipal()
	}
	s := &ecs.Setting{Name: name, Value: value, PrincipalArn: principal, Type: ecs.SettingTypeUser}
	err = st.Store.Update(func(tx *store.Tx) error {
		st.Settings.Put(tx, settingKey(sc, principal, name), s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.SettingOutput{Setting: s}, nil
}

// PutAccountSetting sets a setting for a principal (the caller, taken to be the account
// root, when none is named).
func PutAccountSetting(ctx context.Context, st *state.State, in *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error) {
	return putSetting(ctx, st, in.Name, in.Value, ecs.Deref(in.PrincipalArn))
}

// PutAccountSettingDefault sets the account-wide default of a setting.
func PutAccountSettingDefault(ctx context.Context, st *state.State, in *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error) {
	return putSetting(ctx, st, in.Name, in.Value, "")
}

// DeleteAccountSetting removes a principal's own value, so the default applies again.
func DeleteAccountSetting(ctx context.Context, st *state.State, in *ecs.DeleteAccountSettingInput) (*ecs.SettingOutput, error) {
	sc := st.Scope(ctx)
	if _, err := lookupSetting(in.Name); err != nil {
		return nil, err
	}
	principal := ecs.Deref(in.PrincipalArn)
	if principal == "" {
		principal = sc.RootPrincipal()
	}
	var out *ecs.Setting
	err := st.Store.Update(func(tx *store.Tx) error {
		k := settingKey(sc, principal, in.Name)
		s, ok := st.Settings.Get(k)
		if !ok {
			return ecs.InvalidParameter("The specified account setting is not set for the principal %s.", principal)
		}
		st.Settings.Delete(tx, k)
		out = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &ecs.SettingOutput{Setting: out}, nil
}

// ListAccountSettings lists the principal's own settings or, with effectiveSettings,
// the value in force for every setting.
func ListAccountSettings(ctx context.Context, st *state.State, in *ecs.ListAccountSettingsInput) (*ecs.ListAccountSettingsOutput, error) {
	sc := st.Scope(ctx)
	if in.Name != nil {
		if _, err := lookupSetting(*in.Name); err != nil {
			return nil, err
		}
	}
	if in.Value != nil && in.Name == nil {
		return nil, ecs.InvalidParameter("The value filter requires the name filter.")
	}
	principal := ecs.Deref(in.PrincipalArn)
	if principal == "" {
		principal = sc.RootPrincipal()
	}
	p, err := paging.New(in.ListInput, "settings:", 10, 10)
	if err != nil {
		return nil, err
	}
	var all []ecs.Setting
	st.Store.View(func() {
		for _, def := range accountSettings {
			if in.Name != nil && *in.Name != def.name {
				continue
			}
			s, own := st.Settings.Get(settingKey(sc, principal, def.name))
			var v ecs.Setting
			switch {
			case in.EffectiveSettings:
				v = Effective(st, sc, principal, def.name)
			case own:
				v = *s
			default:
				continue
			}
			if in.Value != nil && *in.Value != v.Value {
				continue
			}
			all = append(all, v)
		}
	})
	out := &ecs.ListAccountSettingsOutput{Settings: []ecs.Setting{}}
	start := 0
	if p.After != "" {
		start = slices.IndexFunc(all, func(s ecs.Setting) bool { return "settings:"+s.Name == p.After }) + 1
	}
	for i := start; i < len(all); i++ {
		if len(out.Settings) == p.Limit {
			out.NextToken = paging.Token("settings:" + all[i-1].Name)
			break
		}
		out.Settings = append(out.Settings, all[i])
	}
	return out, nil
}
