package cli

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/cwlogs"
	"github.com/ecsmini/ecsmini/emulator/cwlogs/cwlogsapi"
)

// openCloudWatchLogs opens ecsmini's CloudWatch Logs, kept under <stateDir>/cwlogs and
// timed by the emulator's clock, so retention follows `ecsmini clock`.
func openCloudWatchLogs(o upOptions, clk clock.Clock) (*cwlogs.Service, error) {
	return cwlogs.Open(cwlogs.Config{Dir: filepath.Join(o.stateDir, "cwlogs"), Clock: clk, Region: o.region, Account: o.accountID})
}

// mountCloudWatchLogs serves the Logs API on the ECS listener's POST / for
// Logs_20140328.* targets: one endpoint URL serves both, as
// AWS_ENDPOINT_URL_CLOUDWATCH_LOGS expects. Live tail sessions end with ctx, so pass
// up's own context.
func mountCloudWatchLogs(ctx context.Context, svc *cwlogs.Service, api interface {
	HandleTarget(string, http.Handler)
}, log *slog.Logger) {
	h := cwlogsapi.New(svc, log)
	h.Sessions = ctx
	api.HandleTarget(cwlogsapi.TargetPrefix, h)
}
