package emulator

// SeedPlacement makes random placement repeatable (tests).
func (e *Emulator) SeedPlacement(seed int64) {
	e.rnd.Seed(seed)
}
