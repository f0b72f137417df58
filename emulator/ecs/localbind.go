package ecs

// LocalBindTagPrefix starts a task tag, ecsmini's own, whose key names a task volume
// (after the prefix) and whose value is the host path ecsmini binds into that volume
// locally: how a compose bind mount of a Fargate service reaches its files on this
// machine while its task definition stays valid for Fargate (which has no host paths).
const LocalBindTagPrefix = "ecsmini:bind:"
