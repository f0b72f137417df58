package sim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/containers"
	"github.com/ecsmini/ecsmini/emulator/containers/sim"
)

func TestExecSaysThereIsNoContainerToEnter(t *testing.T) {
	ctx := context.Background()
	rt := sim.New(clock.NewFake(epoch), sim.Options{})
	if _, err := rt.EnsureImage(ctx, testImage); err != nil {
		t.Fatal(err)
	}
	id, err := rt.Create(ctx, containers.Spec{Name: "exec-target", Image: testImage})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Remove(ctx, id) })
	if err := rt.Start(ctx, id); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   string
		is   error
		text string
	}{
		{"running container", id, containers.ErrExecUnsupported, "there is no container to enter on the simulated runtime"},
		{"unknown container", "nope", containers.ErrNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := rt.Exec(ctx, tc.id, containers.ExecSpec{Cmd: []string{"sh"}, TTY: true})
			if p != nil || !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("Exec = %v, %v; want errors.Is %v containing %q", p, err, tc.is, tc.text)
			}
		})
	}
}
