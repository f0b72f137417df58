package svcdeploy

import "reflect"

// equal compares two records. Advance's copy shares every pointer it does not change,
// and sets timestamps only with a change of status, so deep equality is exact here.
func equal(a, b *Record) bool { return reflect.DeepEqual(a, b) }
