// Package cwlogsapi serves the CloudWatch Logs JSON 1.1 protocol (X-Amz-Target
// Logs_20140328.<Operation>) over a cwlogs.Service, so the AWS CLI, boto3's logs
// client and the Go SDK's cloudwatchlogs client work against ecsmini. It is mounted on
// ecsmini's listener next to the ECS API, which routes requests here by target prefix.
package cwlogsapi
