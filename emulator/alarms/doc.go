// Package alarms is CloudWatch metric alarms for ECS services: PutMetricAlarm,
// DescribeAlarms, DeleteAlarms, SetAlarmState and DescribeAlarmHistory, kept in
// <state>/alarms and evaluated on the emulator clock.
//
// An alarm on the AWS/ECS metrics CPUUtilization or MemoryUtilization with the
// dimensions ClusterName and ServiceName is evaluated as CloudWatch does: the metric
// is sampled once a minute (from the same source Application Auto Scaling uses), each
// Period's samples give one datapoint by the alarm's Statistic, and after every period
// the last EvaluationPeriods datapoints decide the state: ALARM when DatapointsToAlarm
// of them breach the threshold, OK when they do not, INSUFFICIENT_DATA until there
// are enough (TreatMissingData says what a period without running tasks counts as).
// A state set by hand (SetAlarmState, `ecsmini alarm set`) holds until the next
// evaluation changes it.
//
// Actions: an Application Auto Scaling step scaling policy ARN in AlarmActions,
// OKActions or InsufficientDataActions is executed (through the Actions port) when
// the alarm enters that state and again after every evaluation that keeps it there;
// the policy's cooldown decides whether it scales. Other actions (SNS topics, EC2
// actions) are kept and never run.
//
// # What does not run as in AWS
//
//   - Alarms on other metrics, metric math (Metrics) and anomaly detection are
//     refused or, for other namespaces, stored and never evaluated (they stay in the
//     state they were created or set in).
//   - Minutes the clock skipped repeat the sample taken after the jump.
package alarms
