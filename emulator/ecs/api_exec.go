package ecs

// ExecuteCommandInput is the ExecuteCommand request (ECS Exec).
type ExecuteCommandInput struct {
	Cluster     string `json:"cluster,omitempty"`
	Container   string `json:"container,omitempty"`
	Command     string `json:"command"`
	Interactive bool   `json:"interactive"`
	Task        string `json:"task"`
}

// ExecuteCommandOutput is the ExecuteCommand response.
type ExecuteCommandOutput struct {
	ClusterArn    string      `json:"clusterArn"`
	ContainerArn  string      `json:"containerArn"`
	ContainerName string      `json:"containerName"`
	Interactive   bool        `json:"interactive"`
	Session       ExecSession `json:"session"`
	TaskArn       string      `json:"taskArn"`
}

// ExecSession is the Session Manager session ExecuteCommand opens: the client dials
// StreamURL and sends TokenValue in its first frame.
type ExecSession struct {
	SessionID  string `json:"sessionId"`
	StreamURL  string `json:"streamUrl"`
	TokenValue string `json:"tokenValue"`
}

// SessionInput is the request of the SSM operations the session-manager-plugin calls
// on the endpoint it is given (TerminateSession, ResumeSession).
type SessionInput struct {
	SessionID string `json:"SessionId"`
}

// TerminateSessionOutput is the SSM TerminateSession response.
type TerminateSessionOutput struct {
	SessionID string `json:"SessionId"`
}

// ResumeSessionOutput is the SSM ResumeSession response.
type ResumeSessionOutput struct {
	SessionID  string `json:"SessionId"`
	StreamURL  string `json:"StreamUrl"`
	TokenValue string `json:"TokenValue"`
}

// Managed agent of ECS Exec, as DescribeTasks names it.
const ExecuteCommandAgent = "ExecuteCommandAgent"

// CodeDoesNotExist is SSM's error for an unknown or ended session.
const CodeDoesNotExist = "DoesNotExistException"

// ExecDataChannelPath is where the data channel listens; the session id follows it.
const ExecDataChannelPath = "/_ecsmini/exec/data-channel/"

// Exec logging modes (the cluster's executeCommandConfiguration.logging).
const (
	ExecLoggingNone     = "NONE"
	ExecLoggingDefault  = "DEFAULT"
	ExecLoggingOverride = "OVERRIDE"
)

// ExecTarget is what an ECS Exec session runs and where.
type ExecTarget struct {
	SessionID     string
	ClusterARN    string
	TaskARN       string
	ContainerARN  string
	ContainerName string
	RuntimeID     string   // the container's runtime (Docker) ID
	Command       []string // the command, split into words as a shell would (no shell runs it)
	CommandText   string
	// Logging is the cluster's executeCommandConfiguration.logging: NONE, DEFAULT or
	// OVERRIDE. Locally, DEFAULT and OVERRIDE keep the session's output under the
	// state directory.
	Logging string
}
