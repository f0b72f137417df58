package cli

import (
	"context"
	"time"

	"github.com/ecsmini/ecsmini/internal/ecsminiapi"
)

// ecsCallTimeout bounds one call of the commands' clients, so that an ecsmini that
// accepts connections but does not answer (suspended with Ctrl-Z, say) is an error
// rather than a hang. Tests shorten it.
var ecsCallTimeout = ecsminiapi.DefaultTimeout

// newClient is the typed client of the ecsmini at endpoint, as every command uses it.
func newClient(endpoint string) *ecsminiapi.Client {
	c := ecsminiapi.NewClient(endpoint)
	c.Timeout = ecsCallTimeout
	return c
}

// probe asks the ecsmini at endpoint for its health, saying clearly when none answers.
func probe(ctx context.Context, endpoint string, timeout time.Duration) (*ecsminiapi.Health, error) {
	return newClient(endpoint).Health(ctx, timeout)
}

// isCode reports whether err is the ECS error code.
func isCode(err error, code string) bool { return ecsminiapi.IsCode(err, code) }
