package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
)

// newDeploymentID is ECS's deployment id: "ecs-svc/" and 19 digits.
func newDeploymentID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	n := binary.BigEndian.Uint64(b[:])%9000000000000000000 + 1000000000000000000
	return fmt.Sprintf("ecs-svc/%d", n)
}
