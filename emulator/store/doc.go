// Package store holds ecsmini's control-plane state: typed in-memory tables behind one
// lock, where every committed transaction is appended to a journal before the caller is
// answered, so nothing acknowledged is lost if ecsmini is killed. Snapshots keep the
// journal short; both are replaced atomically, so a crash mid-write never corrupts the
// previous state.
//
// A snapshot is taken on Close and whenever the journal outgrows the last snapshot, so a
// restart reads at most about twice the live state.
//
// On disk (the state directory):
//
//	snapshot.jsonl  the last snapshot: a header line {"format":2,"seq":N}, then per table
//	                a line {"table":name,"rows":n} and n lines `"key"<TAB>value`, so rows
//	                decode independently (in parallel) and in one pass
//	journal.jsonl   a header line {"format":2}, then one line per transaction after the
//	                snapshot: {"seq":N,"ops":[{"t":table,"k":key,"v":value}|{...,"d":true}]}
//	lock            held (flock) while an ecsmini owns the directory
//
// A state file written in a newer or unknown format is refused, never overwritten.
package store
