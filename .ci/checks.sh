# .ci/checks.sh — what the CI check scripts share; source it as
#   . "$ROOT/.ci/checks.sh" NAME
# It makes TMP (removed on exit, with the ecsmini whose pid is in PID killed) and gives
# pass/fail/finish, which count checks and end with "NAME: N passed, M failed".
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
