#!/usr/bin/env bash
# .ci/fuzz.sh — run the fuzz targets for a bounded time each (default 15s; FUZZTIME=30s to
# change). Plain `go test` already runs their seed corpora; this explores beyond them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
FUZZTIME="${FUZZTIME:-15s}"

# FuzzOpen: damaged state directories must load whole or be refused, never half-load.
go test -run '^$' -fuzz '^FuzzOpen$' -fuzztime "$FUZZTIME" ./emulator/store/

# FuzzECSAPI: hostile bodies to every ECS operation answer 2xx or an ECS-shaped 4xx, never
# a 5xx, a panic or a hang.
go test -run '^$' -fuzz '^FuzzECSAPI$' -fuzztime "$FUZZTIME" ./emulator/httpapi/
