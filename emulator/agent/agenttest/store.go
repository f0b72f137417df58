// Package agenttest holds test doubles for the agent's ports, shared by the agent's own
// tests and by tests that run a real agent without the emulator.
package agenttest

import (
	"encoding/json"
	"errors"
	"sync"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// Store is the agent's Store over two maps, handing out deep copies as the control
// plane does, so a test sees only what the agent committed through UpdateTask.
type Store struct {
	mu      sync.Mutex
	tasks   map[string]*ecs.Task
	defs    map[string]*ecs.TaskDefinition
	changed chan struct{} // closed and replaced on every write (Changed)
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{tasks: map[string]*ecs.Task{}, defs: map[string]*ecs.TaskDefinition{}, changed: make(chan struct{})}
}

// Changed is closed by the next write (Put or UpdateTask): a test takes it, reads
// the store, and waits on it for what the agent does next instead of polling.
func (s *Store) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// notifyLocked wakes the waiters of Changed; the caller holds s.mu.
func (s *Store) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Put records a task and its task definition, replacing any task with its ARN.
func (s *Store) Put(t *ecs.Task, td *ecs.TaskDefinition) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks[t.TaskArn], s.defs[t.TaskArn] = clone(t), clone(td)
	s.notifyLocked()
}

// Task returns copies of a task and its task definition.
func (s *Store) Task(arn string) (*ecs.Task, *ecs.TaskDefinition, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[arn]
	if !ok {
		return nil, nil, errors.New("no such task")
	}
	return clone(t), clone(s.defs[arn]), nil
}

// UpdateTask applies change to a copy of the task and stores it with its version
// incremented.
func (s *Store) UpdateTask(arn string, change func(t *ecs.Task) error) (*ecs.Task, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[arn]
	if !ok {
		return nil, errors.New("no such task")
	}
	c := clone(t)
	if err := change(c); err != nil {
		return nil, err
	}
	c.Version++
	s.tasks[arn] = c
	s.notifyLocked()
	return clone(c), nil
}

// clone deep-copies through JSON, the form the control plane stores. The types are
// plain data, so marshalling cannot fail; a nil input gives nil.
func clone[T any](v *T) *T {
	if v == nil {
		return nil
	}
	data, _ := json.Marshal(v)
	out := new(T)
	_ = json.Unmarshal(data, out)
	return out
}
