# .ci/checks.sh — what the CI check scripts share; source it as
#   . "$ROOT/.ci/checks.sh" NAME
# It makes TMP (removed on exit, with the ecsmini whose pid is in PID killed) and gives
# pass/fail/finish, which count checks and end with "NAME: N passed, M failed", plus
# isolate_aws, build_ecsmini (BIN), PORT/URL and start/stop of `ecsmini up`.
CHECKS_NAME=$1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecsmini-$CHECKS_NAME.XXXXXX")
PID=""
cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); printf 'PASS %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"; shift; for l in "$@"; do printf '     %s\n' "$l"; done; }
finish() { echo "$CHECKS_NAME: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

# isolate_aws keeps the caller's AWS configuration, profiles and endpoints out of the
# checks: the clients talk to ecsmini only, with the credentials the script gives.
isolate_aws() {
	unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE
	export AWS_CONFIG_FILE="$TMP/none" AWS_SHARED_CREDENTIALS_FILE="$TMP/none" AWS_EC2_METADATA_DISABLED=true AWS_PAGER=""
}

# build_ecsmini sets BIN: $ECSMINI_BIN when given, else ecsmini built from this checkout.
build_ecsmini() {
	BIN="${ECSMINI_BIN:-}"
	if [ -z "$BIN" ]; then
		BIN="$TMP/ecsmini"
		GOFLAGS="${GOFLAGS:--buildvcs=false}" go build -o "$BIN" . >"$TMP/build.log" 2>&1 || { fail "build" "$(tail -n 20 "$TMP/build.log")"; finish; }
	fi
}

# PORT is a free loopback port for ecsmini's listener, URL its address.
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT"

# start runs `ecsmini up` (sim runtime, state in $TMP/state, extra flags "$@") in the
# background as PID and waits until it answers; it ends the checks if it never does.
start() {
	"$BIN" up --state-dir "$TMP/state" --runtime sim --no-tui --listen "127.0.0.1:$PORT" "$@" </dev/null >>"$TMP/up.out" 2>>"$TMP/up.err" &
	PID=$!
	for _ in $(seq 1 400); do
		if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "$URL/_ecsmini/health" 2>/dev/null; then
			pass "ecsmini up answers on 127.0.0.1:$PORT"
			return 0
		fi
		sleep 0.05
	done
	fail "ecsmini up did not answer" "$(tail -n 20 "$TMP/up.err")"
	finish
}

# stop ends the ecsmini start ran with SIGTERM and checks it exits 0.
stop() {
	kill -TERM "$PID" && wait "$PID"
	local rc=$?
	PID=""
	[ "$rc" -eq 0 ] && pass "ecsmini up stops on SIGTERM (exit 0)" || fail "ecsmini up exited $rc on SIGTERM"
}
