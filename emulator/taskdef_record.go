package emulator

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// taskDefRecord is a stored task definition revision. The definition is kept as the
// JSON that ECS returns: a revision never changes but for its status, and it is mostly
// read to be sent, so keeping it encoded makes Describe a copy and keeps 10,000
// revisions in a few MiB that load without decoding every field. The fields the
// control plane filters on are kept beside it.
type taskDefRecord struct {
	ARN               string          `json:"arn"`
	Status            string          `json:"status"`
	DeleteRequestedAt *ecs.Timestamp  `json:"deleteRequestedAt,omitempty"`
	Definition        json.RawMessage `json:"definition"`
	Tags              []ecs.Tag       `json:"tags,omitempty"` // ECS returns these beside the definition
}

func newTaskDefRecord(td *ecs.TaskDefinition, tags []ecs.Tag) (*taskDefRecord, error) {
	raw, err := json.Marshal(td)
	if err != nil {
		return nil, fmt.Errorf("encode task definition %s: %w", td.TaskDefinitionArn, err)
	}
	return &taskDefRecord{ARN: td.TaskDefinitionArn, Status: td.Status, DeleteRequestedAt: td.DeleteRequestedAt, Definition: raw, Tags: tags}, nil
}

// definition decodes the stored task definition.
func (r *taskDefRecord) definition() (*ecs.TaskDefinition, error) {
	td := new(ecs.TaskDefinition)
	if err := json.Unmarshal(r.Definition, td); err != nil {
		return nil, fmt.Errorf("decode task definition %s: %w", r.ARN, err)
	}
	return td, nil
}

// withStatus returns a copy of r moved to status at time now, stamped the way ECS
// stamps the move (deregisteredAt, deleteRequestedAt).
func (r *taskDefRecord) withStatus(status string, now time.Time) (*taskDefRecord, error) {
	td, err := r.definition()
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
	return newTaskDefRecord(td, r.Tags)
}

// withTags returns a copy of r with tags replaced.
func (r *taskDefRecord) withTags(tags []ecs.Tag) *taskDefRecord {
	c := *r
	c.Tags = tags
	return &c
}
