// Package logs keeps the stdout and stderr of every task container, independently of
// the task executor, so `ecsmini logs TASK` works for running and stopped tasks alike
// (for as long as the state directory keeps the files).
//
// A Collector subscribes to the runtime's container events. When a container labelled
// with a task ARN (com.amazonaws.ecs.task-arn) and a container name
// (com.amazonaws.ecs.container-name) starts, it follows the container's log stream until
// the stream ends (the container exited) or, Drain after Run's context ends, and appends
// every line to
//
//	<dir>/<cluster>/<task-id>/<container>.log
//
// (directories 0700, files 0600). A restarted container appends to the same file: lines
// the runtime already served for that container ID are skipped, since both runtimes
// replay a container's whole output when it is followed again. Containers whose names
// are not plain file names (the awsvpc pause container, "~internal~ecs~pause") are not
// kept.
//
// A follower reads in a goroutine of its own. A stream that can say when it has more
// to read (containers.LogNotifier: the simulated runtime's, whose containers print at
// start and then only end) is followed without one while it waits: the follower parks
// and a goroutine resumes it when the stream has more or ends. Docker's streams block.
//
// # Format
//
// One line per output line: the collector's clock at the time the line was read, in
// RFC 3339 with nanoseconds (UTC), a TAB, the text as printed (stdout and stderr are not
// told apart, as the runtime port does not). The timestamps order lines across
// containers and serve `since`.
//
// # Disk use
//
// Each file is capped at MaxFileBytes (16 MiB unless set): when a line would make it
// bigger, <container>.log becomes <container>.log.1 (replacing an older one) and a new
// file starts, so a container never holds more than twice the cap on disk. Nothing is
// deleted otherwise; removing the state directory removes the logs.
//
// # Stream names
//
// StreamName computes the CloudWatch Logs stream name ECS's awslogs driver uses,
// prefix/container-name/task-id; the collector itself needs no task definition.
//
// # HTTP
//
// Handler serves GET /_ecsmini/logs?task=ARN_OR_ID[&container=NAME][&follow=1][&tail=N]
// [&since=RFC3339|DURATION][&timestamps=1] as text/plain, one line per output line,
// prefixed with the container name when several containers are shown (as docker compose
// does), flushed as lines arrive while following. tail counts per container (tail=0:
// only new lines); following ends when every shown container has exited or when Run's
// context ends (so an HTTP server's graceful shutdown is not held up).
package logs
