package workload

import (
	"context"
	"io"
)

// burn keeps one CPU busy until ctx ends, checking ctx every few million iterations
// so the loop costs nothing but CPU.
func burn(ctx context.Context, stdout io.Writer) {
	x := uint64(1)
	for {
		for range 1 << 22 {
			x = x*6364136223846793005 + 1442695040888963407
		}
		select {
		case <-ctx.Done():
			if x != 0 { // always true; keeps the loop from being optimised away
				logf(stdout, "stopped burning CPU")
			}
			return
		default:
		}
	}
}
