package svcdns

import "strings"

// dnsName is n as a table name: lower-case, without a trailing dot.
func dnsName(n string) string { return strings.ToLower(strings.TrimSuffix(strings.TrimSpace(n), ".")) }
