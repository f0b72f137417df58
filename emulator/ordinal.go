package emulator

import "github.com/ecsmini/ecsmini/emulator/store"

// nextOrdinal orders a new record after every record under prefix (store.NextOrdinal).
func nextOrdinal[T any](t *store.Table[T], prefix string) string { return store.NextOrdinal(t, prefix) }
