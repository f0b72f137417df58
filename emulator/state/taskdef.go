package state

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// TaskDef is a stored task definition revision. The definition is kept as the
// JSON that ECS returns: a revision never changes but for its status, and it is mostly
// read to be sent, so keeping it encoded makes Describe a copy and keeps 10,000
// revisions in a few MiB that load without decoding every field. The fields the
// control plane filters on are kept beside it.
type TaskDef struct {
	ARN               string          `json:"arn"`
	Status            string          `json:"status"`
	DeleteRequestedAt *ecs.Timestamp  `json:"deleteRequestedAt,omitempty"`
	Definition        json.RawMessage `json:"definition"`
	Tags              []ecs.Tag       `json:"tags,omitempty"` // ECS returns these beside the definition
}

func NewTaskDef(td *ecs.TaskDefinition, tags []ecs.Tag) (*TaskDef, error) {
	raw, err := json.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("encode task definition %s: %w", td.TaskDefinitionArn, err)
	}
	return &TaskDef{ARN: td.TaskDefinitionArn, Status: td.Status, DeleteRequestedAt: td.DeleteRequestedAt, Definition: raw, Tags: tags}, nil
}

// Decode decodes the stored task Decode.
func (r *TaskDef) Decode() (*ecs.TaskDefinition, error) {
	td := new(ecs.TaskDefinition)
	if err := json.Unmarshal(r.Definition, td); err != nil {
		return nil, fmt.Errorf("decode task definition %s: %w", r.ARN, err)
	}
	return td, nil
}

// WithStatus returns a copy of r moved to status at time now, stamped the way ECS
// stamps the move (deregisteredAt, deleteRequestedAt).
func (r *TaskDef) WithStatus(status string, now time.Time) (*TaskDef, error) {
	td, err := r.Decode()
	if err != nil {
		return nil, err
	}
	td.Status = status
	switch status {
	case ecs.TaskDefInactive:
		td.DeregisteredAt = ecs.At(now)
	case ecs.TaskDefDeleteInProgress:
		td.DeleteRequestedAt = ecs.At(now)
	}
	return NewTaskDef(td, r.Tags)
}

// WithTags returns a copy of r with tags replaced.
func (r *TaskDef) WithTags(tags []ecs.Tag) *TaskDef {
	c := *r
	c.Tags = tags
	return &c
}

// Family remembers the last revision number of a family, so numbering continues
// after revisions are deleted, as ECS does.
type Family struct {
	LastRevision int `json:"lastRevision"`
}
