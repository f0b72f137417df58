// Command ecsmini is Amazon ECS on a developer's laptop: an in-memory ECS control plane
// that speaks the real ECS API and runs tasks as containers on the local Docker Engine.
package main

import (
	"os"

	"github.com/ecsmini/ecsmini/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
