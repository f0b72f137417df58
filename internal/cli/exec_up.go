package cli

import (
	"log/slog"
	"net/http"
	"path/filepath"

	"github.com/ecsmini/ecsmini/emulator"
	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/execchannel"
)

// execLogDir is where `ecsmini up` keeps the output of ECS Exec sessions whose cluster
// logs them (executeCommandConfiguration.logging DEFAULT, the default, or OVERRIDE).
func execLogDir(stateDir string) string { return filepath.Join(stateDir, "exec-sessions") }

// execChannelHandler is ECS Exec's data channel on the API listener. Its protocol runs
// on wall time whatever the emulator's clock: the peer is a real program.
func execChannelHandler(emu *emulator.Emulator, rt containers.Execer, stateDir string, log *slog.Logger) http.Handler {
	return execchannel.NewHandler(execchannel.Config{Sessions: emu, Runtime: rt, Clock: clock.Real{},
		LogDir: execLogDir(stateDir), Log: log})
}
