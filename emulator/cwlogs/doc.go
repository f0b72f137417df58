// Package cwlogs is ecsmini's CloudWatch Logs: log groups, their streams and events,
// retention and paging, as the Logs API (Logs_20140328) defines them. Tasks whose
// containers use the awslogs log driver write here (PrepareAWSLogs readies a
// container's destination, Sink routes its lines by the container's labels), apps and
// sidecars can call PutLogEvents directly, and package cwlogsapi serves it all over
// the JSON protocol on ecsmini's listener.
//
// # Time
//
// Every timestamp the service makes (creation, ingestion) and every retention
// decision reads the configured clock, the emulator's: `ecsmini clock advance 2d`
// ages events by two days. Events older than a group's retention are purged as soon
// as the group is next touched (CloudWatch takes up to three days; ecsmini does it at
// once so that retention can be watched on a fast clock). PutLogEvents rejects, by
// index, events more than two hours ahead of the clock, more than 14 days behind it
// or older than the retention, as CloudWatch Logs does.
//
// # Size
//
// Each stream keeps at most MaxStreamBytes (DefaultMaxStreamBytes, 8 MiB) of events,
// counted as CloudWatch counts them (message bytes + 26 per event); beyond that its
// oldest events are dropped. Nothing else bounds a group's size.
//
// # Persistence
//
// With a directory, the state survives restarts: meta.json holds the groups and
// streams (rewritten on every change to them) and events/<stream id>.jsonl each
// stream's events, one JSON line per event, appended as they arrive. A stream's file
// is rewritten from memory once it grows to twice the cap (or twice its size after the
// last rewrite), so dropped and expired events leave the disk then and a file stays
// within about twice what the stream holds. A torn last line from a crash is skipped
// on load.
//
// # Tokens
//
// GetLogEvents tokens name a position between two events of one stream (f/ reads
// forward from it, b/ backward) in AWS's f/<digits>/s shape; at the end of the stream
// in a direction the token passed in comes back, which is how SDK loops end.
// FilterLogEvents and the Describe operations use opaque tokens and omit nextToken on
// the last page.
//
// # Live tail
//
// A Tail (StartLiveTail) remembers, per stream, the last sequence number it sent and
// every second of the service's clock returns what was ingested since, matched by its
// pattern: no goroutine or subscription inside the service, and a fake clock drives it.
package cwlogs
