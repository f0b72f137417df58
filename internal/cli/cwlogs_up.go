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

// startCloudWatchLogs opens ecsmini's CloudWatch Logs, kept under <stateDir>/cwlogs
// and timed by the emulator's clock (so retention follows `ecsmini clock`), and serves
// its API on the ECS listener's POST / for Logs_20140328.* targets: one endpoint URL
// serves both, as AWS_ENDPOINT_URL_LOGS expects.
// Live tail sessions end with ctx, so pass up's own context.
func startCloudWatchLogs(ctx context.Context, o upOptions, clk clock.Clock, api interface {
	HandleTarget(string, http.Handler)
}, log *slog.Logger) (*cwlogs.Service, error) {
	svc, err := cwlogs.Open(cwlogs.Config{Dir: filepath.Join(o.stateDir, "cwlogs"), Clock: clk, Region: o.region, Account: o.accountID})
	if err != nil {
		return nil, err
	}
	h := cwlogsapi.New(svc, log)
	h.Sessions = ctx
	api.HandleTarget(cwlogsapi.TargetPrefix, h)
	return svc, nil
}
