package emulator

import (
	"context"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/settings"
)

// The account setting operations live in package settings.

// PutAccountSetting: see settings.PutAccountSetting.
func (e *Emulator) PutAccountSetting(ctx context.Context, in *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error) {
	return settings.PutAccountSetting(ctx, e.st, in)
}

// PutAccountSettingDefault: see settings.PutAccountSettingDefault.
func (e *Emulator) PutAccountSettingDefault(ctx context.Context, in *ecs.PutAccountSettingInput) (*ecs.SettingOutput, error) {
	return settings.PutAccountSettingDefault(ctx, e.st, in)
}

// DeleteAccountSetting: see settings.DeleteAccountSetting.
func (e *Emulator) DeleteAccountSetting(ctx context.Context, in *ecs.DeleteAccountSettingInput) (*ecs.SettingOutput, error) {
	return settings.DeleteAccountSetting(ctx, e.st, in)
}

// ListAccountSettings: see settings.ListAccountSettings.
func (e *Emulator) ListAccountSettings(ctx context.Context, in *ecs.ListAccountSettingsInput) (*ecs.ListAccountSettingsOutput, error) {
	return settings.ListAccountSettings(ctx, e.st, in)
}
