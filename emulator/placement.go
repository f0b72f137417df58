package emulator

import (
	"sync"
	"time"
)

// ec2Ctl is the bookkeeping of the EC2 simulation: the interruption rate of Spot instances and the wake-up of its loop.
type ec2Ctl struct {
	mu       sync.Mutex
	spotRate time.Duration
	loop     *loop
}

func newEC2Ctl(l *loop) *ec2Ctl {
	return &ec2Ctl{loop: l}
}

func (c *ec2Ctl) poke() { c.loop.poke() }

// SeedPlacement makes random placement repeatable (tests).
func (e *Emulator) SeedPlacement(seed int64) {
	e.rnd.Seed(seed)
}
