package composeapply

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// inputHash identifies a RegisterTaskDefinition input.
func inputHash(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16]), nil
}

func tagValue(tags []ecs.Tag, key string) string {
	for _, t := range tags {
		if ecs.Deref(t.Key) == key {
			return ecs.Deref(t.Value)
		}
	}
	return ""
}

func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// arnTail is what follows an ARN's last "/" (family:revision, a service name).
func arnTail(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// sameTargets compares load balancer lists by target group, container and port.
func sameTargets(a, b []ecs.LoadBalancer) bool {
	key := func(l ecs.LoadBalancer) string {
		return fmt.Sprintf("%s|%s|%d", l.TargetGroupArn, l.ContainerName, ecs.Deref(l.ContainerPort))
	}
	set := map[string]int{}
	for _, l := range a {
		set[key(l)]++
	}
	for _, l := range b {
		set[key(l)]--
	}
	for _, n := range set {
		if n != 0 {
			return false
		}
	}
	return true
}
