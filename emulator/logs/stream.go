package logs

import "github.com/ecsmini/ecsmini/emulator/ecs"

// StreamName is the CloudWatch Logs stream ECS's awslogs driver writes a container's
// output to when the container definition sets awslogs-stream-prefix:
// prefix/container-name/task-id (for example ecs/curl/8f03e41243824aea923aca126495f665).
// Without a prefix ECS names the stream after the Docker container ID, which this
// function cannot know; it returns "" then.
func StreamName(prefix, container, taskID string) string {
	if prefix == "" {
		return ""
	}
	return prefix + "/" + container + "/" + taskID
}

// AWSLogsStream is the stream a container definition's logConfiguration sends the
// container's output to: StreamName of its awslogs-stream-prefix when the driver is
// awslogs, else "".
func AWSLogsStream(lc *ecs.LogConfiguration, container, taskID string) string {
	if lc == nil || lc.LogDriver != "awslogs" {
		return ""
	}
	return StreamName(lc.Options["awslogs-stream-prefix"], container, taskID)
}
