package strategy

import (
	"context"
	"encoding/json"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// HookRunner answers a lifecycle hook: on AWS a Lambda function, locally whatever the
// user maps to its ARN. status is SUCCEEDED, FAILED or IN_PROGRESS (ask again later);
// an error counts as FAILED, as a failing Lambda does. It has only builtin types so an
// implementation needs no import of this package. It is never called under the store
// lock nor on the control loop.
type HookRunner interface {
	Invoke(ctx context.Context, hookTargetArn string, payload []byte) (status string, err error)
}

// AlarmStates reports a CloudWatch alarm's state: OK, ALARM, INSUFFICIENT_DATA, or ""
// for an alarm nobody knows.
type AlarmStates interface {
	AlarmState(name string) string
}

// Hook statuses (DeploymentLifecycleHookDetail.status and the hook's answers).
const (
	HookSucceeded  = "SUCCEEDED"
	HookFailed     = "FAILED"
	HookInProgress = "IN_PROGRESS"
	HookTimedOut   = "TIMED_OUT"
)

// HookRetry is how long ECS waits before invoking a hook again that answered
// IN_PROGRESS (its default callBackDelay).
const HookRetry = 30 * time.Second

// DefaultHookTimeout and DefaultHookAction apply to a hook without a
// timeoutConfiguration (ecsmini's inference: an hour, then roll back).
const (
	DefaultHookTimeout = time.Hour
	DefaultHookAction  = "ROLLBACK"
)

// Payload is the JSON a hook is invoked with: the deployment, the stage and the
// traffic weights of both revisions, with the hook's own hookDetails.
type Payload struct {
	ExecutionDetails ExecutionDetails `json:"executionDetails"`
	ExecutionID      string           `json:"executionId"`
	LifecycleStage   string           `json:"lifecycleStage"`
	ResourceArn      string           `json:"resourceArn"`
	HookDetails      json.RawMessage  `json:"hookDetails,omitempty"`
}

// ExecutionDetails is the common part of every stage's payload.
type ExecutionDetails struct {
	ServiceArn               string             `json:"serviceArn"`
	ClusterArn               string             `json:"clusterArn,omitempty"`
	TargetServiceRevisionArn string             `json:"targetServiceRevisionArn"`
	TestTrafficWeights       map[string]float64 `json:"testTrafficWeights"`
	ProductionTrafficWeights map[string]float64 `json:"productionTrafficWeights"`
}

// Revisions names the two sides of a deployment for payloads.
type Revisions struct {
	ServiceArn, ClusterArn, DeploymentArn string
	Blue, Green                           string // service revision ARNs
}

// BuildPayload is the invocation payload of hook h at hookStage while step s applies.
func BuildPayload(rv Revisions, hookStage string, s Step, h ecs.DeploymentLifecycleHook) ([]byte, error) {
	test := 0.0
	if s.Test {
		test = 100
	}
	p := Payload{
		ExecutionDetails: ExecutionDetails{ServiceArn: rv.ServiceArn, ClusterArn: rv.ClusterArn, TargetServiceRevisionArn: rv.Green,
			TestTrafficWeights:       weights(rv, test),
			ProductionTrafficWeights: weights(rv, s.Green)},
		ExecutionID: rv.DeploymentArn, LifecycleStage: hookStage, ResourceArn: rv.DeploymentArn, HookDetails: h.HookDetails,
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func weights(rv Revisions, green float64) map[string]float64 {
	m := map[string]float64{rv.Green: green}
	if rv.Blue != "" {
		m[rv.Blue] = 100 - green
	}
	return m
}

// AlarmFiring is the first of names in ALARM, or "".
func AlarmFiring(a AlarmStates, names []string) string {
	if a == nil {
		return ""
	}
	for _, n := range names {
		if a.AlarmState(n) == "ALARM" {
			return n
		}
	}
	return ""
}
