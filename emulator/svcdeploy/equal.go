package svcdeploy

import "encoding/json"

// equal compares two records as they are stored (their JSON), which treats timestamps
// and raw JSON fields by value.
func equal(a, b *Record) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
