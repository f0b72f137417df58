package store

// DeleteAll deletes every row of every table as part of tx: the state of a fresh store
// (ecsmini's reset endpoints, for test suites that start each test from nothing).
func (s *Store) DeleteAll(tx *Tx) {
	for _, t := range s.tables {
		kt, ok := t.(interface{ keys() []string })
		if !ok {
			continue
		}
		for _, k := range kt.keys() {
			tx.record(t, k, nil, true)
		}
	}
}

func (t *Table[T]) keys() []string {
	ks := make([]string, 0, len(t.rows))
	for k := range t.rows {
		ks = append(ks, k)
	}
	return ks
}
