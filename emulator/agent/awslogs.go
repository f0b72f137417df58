package agent

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Labels that route a container's output to CloudWatch Logs when its log driver is
// awslogs (cwlogs.LabelGroup and cwlogs.LabelStream; a test keeps them equal). The logs
// collector reads them off the container, so routing survives an ecsmini restart.
const (
	LabelAWSLogsGroup  = "ecsmini.awslogs-group"
	LabelAWSLogsStream = "ecsmini.awslogs-stream"
	// LabelAWSLogsMultiline is the regular expression that starts a multiline event:
	// awslogs-multiline-pattern, or awslogs-datetime-format turned into one (which wins,
	// as in Docker's awslogs driver).
	LabelAWSLogsMultiline = "ecsmini.awslogs-multiline-pattern"
)

// AWSLogs prepares the CloudWatch Logs destination of an awslogs container before the
// task's containers start: the group must exist, or is created when createGroup; the
// stream, when named, is created. The error is the reason the task fails to start,
// after "ResourceInitializationError: ".
type AWSLogs interface {
	PrepareAWSLogs(group, stream string, createGroup bool) error
}

// AWSLogsStream is the stream ECS's awslogs driver writes a container's output to:
// prefix/container-name/task-id with an awslogs-stream-prefix, else "" (the driver
// then names the stream after the container's runtime ID, known once it is created).
func AWSLogsStream(lc *ecs.LogConfiguration, container, taskID string) string {
	if lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-stream-prefix"] == "" {
		return ""
	}
	return lc.Options["awslogs-stream-prefix"] + "/" + container + "/" + taskID
}

// awslogsLabels are the routing labels of a container definition (nil unless its log
// driver is awslogs with a group).
func awslogsLabels(cd *ecs.ContainerDefinition, taskID string) map[string]string {
	lc := cd.LogConfiguration
	if lc == nil || lc.LogDriver != "awslogs" || lc.Options["awslogs-group"] == "" {
		return nil
	}
	l := map[string]string{LabelAWSLogsGroup: lc.Options["awslogs-group"]}
	if s := AWSLogsStream(lc, ecs.Deref(cd.Name), taskID); s != "" {
		l[LabelAWSLogsStream] = s
	}
	if f := lc.Options["awslogs-datetime-format"]; f != "" {
		l[LabelAWSLogsMultiline] = datetimeRegexp(f)
	} else if p := lc.Options["awslogs-multiline-pattern"]; p != "" {
		l[LabelAWSLogsMultiline] = p
	}
	return l
}

// strftimeRE maps the strftime directives Docker's awslogs driver reads in
// awslogs-datetime-format to the text they match.
var strftimeRE = map[byte]string{
	'a': `(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)`, 'A': `(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)`,
	'b': `(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)`, 'B': `(?:January|February|March|April|May|June|July|August|September|October|November|December)`,
	'd': `(?:0[1-9]|[1,2][0-9]|3[0,1])`, 'H': `(?:[0,1][0-9]|2[0-3])`, 'I': `(?:0[0-9]|1[0-2])`,
	'j': `(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])`, 'L': `\.\d{3}`, 'm': `(?:0[1-9]|1[0-2])`,
	'M': `[0-5][0-9]`, 'p': `[A,P]M`, 'S': `[0-5][0-9]`, 'f': `\d{6}`, 'y': `\d{2}`, 'Y': `\d{4}`,
	'z': `[+-]\d{4}`, 'Z': `[A-Z]{1,4}T`, '%': `%`,
}

// datetimeRegexp turns an awslogs-datetime-format into the regular expression that
// starts an event: the format at the beginning of a line.
func datetimeRegexp(format string) string {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			if re, ok := strftimeRE[format[i+1]]; ok {
				b.WriteString(re)
				i++
				continue
			}
		}
		b.WriteString(regexp.QuoteMeta(format[i : i+1]))
	}
	return b.String()
}

// prepareAWSLogs readies every awslogs destination of the task, once, before its first
// container starts. Without an AWSLogs (nothing serves CloudWatch Logs) there is
// nothing to prepare.
func (r *runner) prepareAWSLogs(td *ecs.TaskDefinition) error {
	if r.a.cfg.AWSLogs == nil {
		return nil
	}
	for i := range td.ContainerDefinitions {
		cd := &td.ContainerDefinitions[i]
		labels := awslogsLabels(cd, r.info.ID)
		if labels == nil {
			continue
		}
		create := cd.LogConfiguration.Options["awslogs-create-group"] == "true"
		if err := r.a.cfg.AWSLogs.PrepareAWSLogs(labels[LabelAWSLogsGroup], labels[LabelAWSLogsStream], create); err != nil {
			return fmt.Errorf("ResourceInitializationError: %w", err)
		}
	}
	return nil
}

// withLabels adds extra to labels and returns labels.
func withLabels(labels, extra map[string]string) map[string]string {
	for k, v := range extra {
		labels[k] = v
	}
	return labels
}

// awslogsOptions are a container's log options as the task metadata endpoint shows
// them: for awslogs with the computed "awslogs-stream" added, as ECS adds it.
func awslogsOptions(cd *ecs.ContainerDefinition, taskID, runtimeID string) map[string]string {
	lc := cd.LogConfiguration
	if lc.LogDriver != "awslogs" {
		return lc.Options
	}
	opts := make(map[string]string, len(lc.Options)+1)
	for k, v := range lc.Options {
		opts[k] = v
	}
	opts["awslogs-stream"] = AWSLogsStream(lc, ecs.Deref(cd.Name), taskID)
	if opts["awslogs-stream"] == "" {
		opts["awslogs-stream"] = runtimeID
	}
	return opts
}
