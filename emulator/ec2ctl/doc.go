// Package ec2ctl is the EC2 reconciler of the control loop: simulated instances
// booting and ending, EC2 Spot interruption notices and random interruptions, the
// managed scaling of Auto Scaling group capacity providers, draining, and the tasks
// that wait for an instance. It works on the state package and reaches the facade only
// through its Host interface.
package ec2ctl
