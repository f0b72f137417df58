package cli

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/alarms"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/appscaling/ecsbridge"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/hooks"
)

// openAlarms opens CloudWatch alarms, kept under <stateDir>/alarms, and has the control
// loop evaluate them: the ECS metrics come from the same runtime stats Application Auto
// Scaling samples, and step scaling policies in their actions run through asc.
func openAlarms(o upOptions, emu *emulator.Emulator, clk clock.Clock, stats ecsbridge.Stats, asc *appscaling.Service, log *slog.Logger) (*alarms.Service, error) {
	svc, err := alarms.Open(alarms.Config{Dir: filepath.Join(o.stateDir, "alarms"), Clock: clk, Region: o.region,
		Account: o.accountID, Metrics: ecsbridge.New(emu, stats), Actions: asc, Kick: emu.Kick, Log: log})
	if err != nil {
		return nil, err
	}
	emu.AddReconciler(svc)
	return svc, nil
}

// openHooks opens the lifecycle hook mappings kept under <stateDir>/hooks and adds the
// --hook ones to them, so they survive a restart.
func openHooks(o upOptions, log *slog.Logger) (*hooks.Runner, error) {
	r, err := hooks.Open(hooks.Config{Dir: filepath.Join(o.stateDir, "hooks"), Timeout: o.hookTimeout, Log: log})
	if err != nil {
		return nil, err
	}
	for _, m := range o.hooks {
		t, err := hooks.ParseMapping(m)
		if err != nil {
			return nil, fmt.Errorf("--hook: %w", err)
		}
		if err := r.Set(t); err != nil {
			return nil, fmt.Errorf("--hook: %w", err)
		}
	}
	return r, nil
}
