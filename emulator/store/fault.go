package store

// FailCommits makes every later transaction that writes fail with err, as a failed
// journal write would, until it is called with nil. It is fault injection for tests of
// what a failed commit leaves behind (nothing, anywhere).
func (s *Store) FailCommits(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = err
}
