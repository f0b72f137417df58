package cli

import (
	"log/slog"
	"path/filepath"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/appscaling/ecsbridge"
	"github.com/ecsmini/ecsmini/emulator/clock"
)

// openAppScaling opens Application Auto Scaling, kept under <stateDir>/appscaling, and
// has the control loop run it: its metrics come from the runtime's container stats
// (through the agent) and the local load balancers, on the emulator's clock. Express
// services register their scaling with it.
func openAppScaling(o upOptions, emu *emulator.Emulator, clk clock.Clock, stats ecsbridge.Stats, log *slog.Logger) (*appscaling.Service, error) {
	b := ecsbridge.New(emu, stats)
	svc, err := appscaling.Open(appscaling.Config{Dir: filepath.Join(o.stateDir, "appscaling"), Clock: clk,
		Region: o.region, Account: o.accountID, Services: b, Metrics: b, OnChange: b.Publish, Kick: emu.Kick, Log: log})
	if err != nil {
		return nil, err
	}
	emu.AddReconciler(svc)
	emu.SetExpressScaler(svc) // Express services register their scaling here
	return svc, nil
}
