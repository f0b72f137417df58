// Package ec2sim holds the pure rules of simulated EC2 capacity: instance types and their
// registered resources, Auto Scaling groups with managed scaling, and task placement
// strategies and constraints. It arrives with the ec2sim issue.
package ec2sim
