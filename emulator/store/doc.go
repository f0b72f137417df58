// Package store holds ecsmini's control-plane state: typed in-memory tables behind one
// lock, where every committed transaction is appended to a journal (and, unless
// Options.NoSync, synced) before the caller is answered, so nothing acknowledged is lost
// if ecsmini is killed or the machine loses power.
//
// Snapshots keep the journal short. One is taken on Close and whenever the journal
// outgrows the last snapshot, so a restart reads at most about twice the live state. A
// snapshot never stops the world: under the lock the store only starts a new journal
// segment and freezes a copy-on-write view of the tables (index.go); the view is written
// in the background, and the old segment removed once the snapshot is on disk.
//
// On disk (the state directory), format 3; every line is framed "crc32c-hex payload":
//
//	snapshot.jsonl        the last snapshot: a header {"format":3,"gen":G,"seq":N,"tables":K},
//	                      per table {"table":name,"rows":n} and n lines `"key"<TAB>value`
//	                      (rows decode independently, in parallel), then a trailer
//	                      {"end":true,"tables":K,"rows":total}
//	journal-<G>.jsonl     the transactions after snapshot G's: a fixed-size header
//	                      {"format":3,"gen":G,"after":N,"last":L}, rewritten in place as
//	                      transactions are written (L: how far the segment is known to
//	                      reach), then one line per transaction
//	                      {"seq":N,"ops":[{"t":table,"k":key,"v":value}|{...,"d":true}]}, and,
//	                      once compaction moved on, a marker {"seq":N,"next":G+1}
//	.snapshot-*.tmp       a snapshot being written; swept at open
//	lock                  held (flock) while an ecsmini owns the directory
//
// Open checks that the snapshot and the segments after it belong together (generations,
// sequence numbers, checksums, counts, the header's high-water mark). Damage is refused
// with a *DamageError saying what is lost, unless Options.Recover: then what is intact
// is kept and the files rewritten. A torn last record (a write never acknowledged) is
// dropped silently. Format 2 (unframed snapshot.jsonl and journal.jsonl) is migrated on
// open; a state file in a newer format is refused, never overwritten.
package store
