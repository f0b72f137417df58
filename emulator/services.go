package emulator

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/ecsmini/ecsmini/emulator/servicedefs"
)

// serviceNameRE is what a service, daemon or gateway name may be.
var serviceNameRE = servicedefs.NameRE

// newDeploymentID is ECS's deployment id: "ecs-svc/" and 19 digits.
func newDeploymentID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	n := binary.BigEndian.Uint64(b[:])%9000000000000000000 + 1000000000000000000
	return fmt.Sprintf("ecs-svc/%d", n)
}
