// Package ec2sim holds the pure rules of simulated EC2 capacity: instance types and their
// registered resources and attributes, the cluster query language, task placement strategies
// and constraints, the scale-in task choice, and ECS managed scaling of Auto Scaling groups.
//
// Everything here is a function of its arguments: no I/O, no goroutines, no wall clock
// (times come in as arguments) and randomness only through a caller's *rand.Rand, so the
// emulator can replay a placement or a scaling timeline exactly. The emulator owns the state
// (container instances, ASGs) and calls in:
//
//   - Place / Compile+Placer.Place for every task it starts on EC2 capacity, then
//     Candidate.Reserve so the next placement sees the task;
//   - ChooseToStop when a service scales in;
//   - Decide once a minute per ASG capacity provider with managed scaling.
package ec2sim
