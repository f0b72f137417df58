// Package admission decides whether a new task may start and where: its static host
// ports against the ports in use on this machine, the account's Fargate vCPU quotas,
// and, for tasks on container instances, the EC2 placement (strategies, constraints,
// the instances' free capacity) with its repeatable random source. RunTask and the
// services reconciler both admit through one Admission (Admit, or Place when the plan
// records where a task went); it reads the state and writes nothing, so a refusal
// leaves no trace.
package admission
