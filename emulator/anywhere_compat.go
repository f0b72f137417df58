package emulator

import (
	"bytes"
	"encoding/json"
)

// rawSet says whether an optional JSON member (serviceConnectConfiguration) was given.
func rawSet(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}
