package ecs

// TaskSetInput carries what ecsmini reads of the task set operations' requests: the
// cluster and service, and the task sets named. The other members are accepted and, as
// ecsmini's services all use the ECS deployment controller, never acted on.
type TaskSetInput struct {
	Cluster        string   `json:"cluster,omitempty"`
	Service        string   `json:"service,omitempty"`
	TaskSet        string   `json:"taskSet,omitempty"`
	TaskSets       []string `json:"taskSets,omitempty"`
	PrimaryTaskSet string   `json:"primaryTaskSet,omitempty"`
}

// DescribeTaskSetsOutput is the DescribeTaskSets response.
type DescribeTaskSetsOutput struct {
	TaskSets []struct{} `json:"taskSets"`
	Failures []Failure  `json:"failures"`
}

// TaskSetOutput is the response of the operations that return one task set.
type TaskSetOutput struct{}

// ErrTaskSetsNeedExternal is ECS's answer to task set management on a service that
// uses the ECS deployment controller.
func ErrTaskSetsNeedExternal() *Error {
	return InvalidParameter("Amazon ECS only supports task set management on services configured to use external deployment controllers.")
}
