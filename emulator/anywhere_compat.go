package emulator

import (
	"bytes"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// hasServiceConnect says whether a CreateService request configures Service Connect.
func hasServiceConnect(in *ecs.CreateServiceInput) bool {
	raw := bytes.TrimSpace(in.ServiceConnectConfiguration)
	return len(raw) > 0 && !bytes.Equal(raw, []byte("null"))
}
