// Package cli holds ecsmini's commands, one per file, and builds the object graph.
// Commands print human output by default and JSON with --output json; they return
// errors, and only Main turns them into an exit code and a one-line message.
package cli
