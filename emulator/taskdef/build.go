package taskdef

import (
	"encoding/json"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// maxDefinitionBytes is ECS's task definition size quota (64 KiB), measured on the
// JSON of the request.
const maxDefinitionBytes = 65536

// problems collects ECS error messages in the order they were found, once each.
type problems struct {
	msgs []string
	seen map[string]bool
}

func (p *problems) add(msg string) {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	if !p.seen[msg] {
		p.seen[msg] = true
		p.msgs = append(p.msgs, msg)
	}
}

// err joins every problem into one ClientException, or returns nil when there is none.
func (p *problems) err() error {
	if len(p.msgs) == 0 {
		return nil
	}
	return ecs.ClientError("%s", strings.Join(p.msgs, " "))
}

// Build validates a RegisterTaskDefinition request the way ECS does and returns the
// normalised task definition ECS would echo, without taskDefinitionArn, revision, status,
// registeredAt and registeredBy (the caller's job). Tags are not part of a task definition.
//
// On rejection the error is an *ecs.Error (ClientException) listing every problem found,
// task-level problems first, then each container's in order. The input is never modified.
func Build(in *ecs.RegisterTaskDefinitionInput) (*ecs.TaskDefinition, error) {
	if in == nil {
		in = &ecs.RegisterTaskDefinitionInput{}
	}
	raw, err := json.Marshal(in)
	if err != nil {
		// Only unencodable values (none exist in the input type) get here.
		return nil, ecs.ClientError("Invalid task definition: %v", err)
	}
	// Work on a deep copy: validation normalises in place and must not touch the input.
	var req ecs.RegisterTaskDefinitionInput
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, ecs.ClientError("Invalid task definition: %v", err)
	}

	c := newChecker(&req, len(raw))
	c.checkTask()
	for i := range req.ContainerDefinitions {
		c.checkContainer(i)
	}
	if err := c.p.err(); err != nil {
		return nil, err
	}
	return c.definition(), nil
}
