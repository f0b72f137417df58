// Package strategy is the pure side of ECS's deployment strategies (ROLLING,
// BLUE_GREEN, LINEAR, CANARY): validation of deploymentConfiguration's strategy fields
// and of a load balancer's advancedConfiguration with ECS's messages, the planner that
// turns a configuration into the lifecycle stages and traffic steps a deployment walks
// through, the state machine that moves a deployment along them on the emulator clock,
// and the ports the rest of ecsmini plugs lifecycle hooks and alarms into (HookRunner,
// AlarmStates). It holds no state and imports only package ecs.
package strategy
