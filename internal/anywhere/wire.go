package anywhere

import (
	"time"

	"github.com/ecsmini/ecsmini/emulator"
)

// The agent endpoints besides the poll: everything a remote machine's tasks need of
// ecsmini that the ECS agent would fetch from AWS (Secrets Manager, SSM, CloudWatch
// Logs) or be given over ACS (role credentials). All of them require the join token.
const (
	// SecretPath resolves one secret reference for a task of the asking instance.
	SecretPath = "/_ecsmini/agent/secret"
	// AWSLogsPath readies an awslogs container's group and stream.
	AWSLogsPath = "/_ecsmini/agent/awslogs"
	// LinesPath takes the lines awslogs containers printed.
	LinesPath = "/_ecsmini/agent/lines"
	// HealthPath takes the container health of the asking instance's tasks, which the
	// ECS agent publishes over TCS: SubmitTaskStateChange has no field for it.
	HealthPath = "/_ecsmini/agent/health"
)

// Work is a poll's answer: the instance's tasks, and the credentials of their task
// roles, as ACS hands the ECS agent a task's role credentials with the task.
type Work struct {
	emulator.AgentWork
	Credentials []TaskCredentials `json:"credentials,omitempty"`
}

// TaskCredentials are a task role's credentials for one task.
type TaskCredentials struct {
	TaskArn         string    `json:"taskArn"`
	RoleArn         string    `json:"roleArn"`
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Expiration      time.Time `json:"expiration"`
}

// SecretRequest asks for the value of Ref (agent.SecretLookupRef of a secret's
// valueFrom), which a task placed on ContainerInstance must name.
type SecretRequest struct {
	Cluster           string `json:"cluster"`
	ContainerInstance string `json:"containerInstance"`
	Ref               string `json:"ref"`
}

// SecretAnswer is a secret's value.
type SecretAnswer struct {
	Value string `json:"value"`
}

// AWSLogsRequest readies an awslogs destination (see agent.AWSLogs).
type AWSLogsRequest struct {
	Group       string `json:"group"`
	Stream      string `json:"stream,omitempty"`
	CreateGroup bool   `json:"createGroup,omitempty"`
}

// LinesRequest carries lines of awslogs containers, each batch with its container's
// routing labels (agent.LabelAWSLogsGroup and the rest).
type LinesRequest struct {
	Batches []LineBatch `json:"batches"`
}

// LineBatch is lines one container printed.
type LineBatch struct {
	Labels      map[string]string `json:"labels"`
	ContainerID string            `json:"containerId"`
	Lines       []string          `json:"lines"`
}

// HealthRequest reports the container health of tasks placed on ContainerInstance, as
// TCS's PublishHealthRequest does; ecsmini derives each task's healthStatus.
type HealthRequest struct {
	Cluster           string                     `json:"cluster"`
	ContainerInstance string                     `json:"containerInstance"`
	Tasks             []emulator.AgentTaskHealth `json:"tasks"`
}
