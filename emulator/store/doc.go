// Package store holds ecsmini's control-plane state: typed in-memory tables behind one
// lock, where every committed transaction is appended to a journal before the caller is
// answered, so nothing acknowledged is lost if ecsmini is killed. Snapshots keep the
// journal short; both are replaced atomically, so a crash mid-write never corrupts the
// previous state.
//
// On disk (the state directory):
//
//	state.json      the last snapshot: {"format":1,"seq":N,"tables":{name:{key:value}}}
//	journal.jsonl   a header line {"format":1}, then one line per transaction after the
//	                snapshot: {"seq":N,"ops":[{"t":table,"k":key,"v":value}|{...,"d":true}]}
//	lock            held (flock) while an ecsmini owns the directory
//
// A state file written in a newer or unknown format is refused, never overwritten.
package store
