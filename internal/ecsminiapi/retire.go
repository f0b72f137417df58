package ecsminiapi

import (
	"context"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator"
)

// RetirePath schedules Fargate task retirements (POST emulator.RetireRequest).
const RetirePath = "/_ecsmini/retire"

// Retirements is the retirements a request scheduled.
type Retirements struct {
	Retirements []emulator.Retirement `json:"retirements"`
}

func retireHandler(emu *emulator.Emulator) http.Handler {
	return jsonHandler(false, func(ctx context.Context, in *emulator.RetireRequest, _ *http.Request) (Retirements, error) {
		out, err := emu.Retire(ctx, *in)
		if out == nil {
			out = []emulator.Retirement{}
		}
		return Retirements{Retirements: out}, err
	})
}

// Retire schedules the retirement of the tasks in.
func (c *Client) Retire(ctx context.Context, in emulator.RetireRequest) (Retirements, error) {
	var out Retirements
	err := c.do(ctx, RetirePath, http.MethodPost, RetirePath, in, &out)
	return out, err
}
