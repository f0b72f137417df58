#!/usr/bin/env bash
# .ci/exec.sh — ECS Exec end to end with the real clients: the UNMODIFIED AWS
# session-manager-plugin (built from the Go module proxy by the shared build.sh) run by
# `aws ecs execute-command` (AWS CLI v1), against a task on the local Docker Engine.
#
#   build ecsmini + its FROM scratch image → build (or reuse) the plugin → ecsmini up
#   --runtime docker (temp state dir, free loopback port) → run-task --enable-execute-command
#   → describe-tasks shows runtimeId and ExecuteCommandAgent RUNNING → execute-command
#   --command "... echo hello-from-exec" under a pseudo-terminal (script -qec), output checked
#   → an interactive session on a pseudo-terminal (prompt, a typed line and its output, exit)
#   → the refusal for a task without enableExecuteCommand → `ecsmini exec` returns the exit code
#   → ecsmini down; nothing of ours is left in Docker.
#
# Every check prints PASS or FAIL; the last line is "exec: N passed, M failed"; the exit code
# is non-zero if anything failed.
#
# The image is FROM scratch: it has no /bin/sh and no echo, so the commands run
# `/ecsmini workload sh`, ecsmini's tiny shell, e.g. --command '/ecsmini workload sh -c "echo hello-from-exec"'.
#
# Needs: go, docker, aws, python3, script (util-linux).
# Env: ECSMINI_BIN=path            use an already built static ecsmini
#      SESSION_MANAGER_PLUGIN=path use an already built plugin
#      SMP_BUILD=path              the plugin's build.sh (default ../shared/tools/session-manager-plugin/build.sh,
#                                  or ../../shared/... from a worktree)
#      SMP_CACHE=dir               where a built plugin is kept between runs (default $HOME/.cache/ecsmini)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

PASSED=0
FAILED=0
PID=""
TAG="ecsmini-exec-ci-$$-$RANDOM:latest"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecsmini-exec.XXXXXX")

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
	docker image rm -f "$TAG" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pass() {
	PASSED=$((PASSED + 1))
	printf 'PASS %s\n' "$1"
}
fail() {
	FAILED=$((FAILED + 1))
	printf 'FAIL %s\n' "$1"
	shift
	local line
	for line in "$@"; do printf '     %s\n' "$line"; done
}
die() {
	echo "exec: $*" >&2
	exit 1
}

for tool in go docker aws python3 script; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is required"
done

# ------------------------------------------------------------------ build

BIN=${ECSMINI_BIN:-}
if [ -z "$BIN" ]; then
	BIN="$TMP/ecsmini"
	CGO_ENABLED=0 go build -o "$BIN" . || die "go build failed"
fi

PLUGIN=${SESSION_MANAGER_PLUGIN:-}
if [ -z "$PLUGIN" ]; then
	build=${SMP_BUILD:-}
	if [ -z "$build" ]; then # the shared tools beside the checkout (or beside a worktree's parent)
		for dir in "$ROOT/../shared" "$ROOT/../../shared"; do
			if [ -f "$dir/tools/session-manager-plugin/build.sh" ]; then
				build="$dir/tools/session-manager-plugin/build.sh"
				break
			fi
		done
	fi
	[ -f "$build" ] || die "no session-manager-plugin build script found in ../shared/tools (set SMP_BUILD or SESSION_MANAGER_PLUGIN)"
	pins=$(cat "$(dirname "$build")"/go.*.pinned 2>/dev/null | sha256sum | cut -c1-12)
	cache=${SMP_CACHE:-$HOME/.cache/ecsmini}
	PLUGIN="$cache/session-manager-plugin-$pins"
	if [ ! -x "$PLUGIN" ]; then
		mkdir -p "$cache" || die "cannot create $cache"
		bash "$build" "$PLUGIN.tmp" >/dev/null || die "building the session-manager-plugin failed"
		mv "$PLUGIN.tmp" "$PLUGIN"
	fi
fi
mkdir -p "$TMP/bin"
ln -s "$PLUGIN" "$TMP/bin/session-manager-plugin"
export PATH="$TMP/bin:$PATH"
echo "plugin: $(session-manager-plugin --version) ($PLUGIN)"

"$BIN" image build --tag "$TAG" --binary "$BIN" >/dev/null || die "image build failed"

# ------------------------------------------------------------------ ecsmini up

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_ENDPOINT_URL_ECS="http://127.0.0.1:$PORT" ECSMINI_ENDPOINT="http://127.0.0.1:$PORT"
"$BIN" up --no-tui --runtime docker --listen "127.0.0.1:$PORT" --state-dir "$TMP/state" --pause-image "$TAG" >"$TMP/up.log" 2>&1 &
PID=$!
for _ in $(seq 100); do
	python3 -c "import urllib.request,sys; urllib.request.urlopen('$ECSMINI_ENDPOINT/_ecsmini/health', timeout=1)" 2>/dev/null && break
	sleep 0.1
done
kill -0 "$PID" 2>/dev/null || die "ecsmini up exited: $(cat "$TMP/up.log")"

CL=exec-ci
aws ecs create-cluster --cluster-name "$CL" >/dev/null || die "create-cluster"
aws ecs register-task-definition --family exec-ci --requires-compatibilities EC2 \
	--container-definitions "[{\"name\":\"app\",\"image\":\"$TAG\",\"memory\":64,\"command\":[\"workload\"]}]" >/dev/null || die "register-task-definition"
run_task() {
	aws ecs run-task --cluster "$CL" --task-definition exec-ci "$@" --query 'tasks[0].taskArn' --output text
}
TASK=$(run_task --enable-execute-command) || die "run-task"
PLAIN=$(run_task) || die "run-task"
aws ecs wait tasks-running --cluster "$CL" --tasks "$TASK" "$PLAIN" || die "tasks not RUNNING: $(cat "$TMP/up.log")"

got=$(aws ecs describe-tasks --cluster "$CL" --tasks "$TASK" --query 'tasks[0].containers[0].[runtimeId!=null, managedAgents[0].name, managedAgents[0].lastStatus]' --output text)
if [ "$got" = "True	ExecuteCommandAgent	RUNNING" ]; then
	pass "describe-tasks: runtimeId set, ExecuteCommandAgent RUNNING"
else
	fail "describe-tasks: runtimeId set, ExecuteCommandAgent RUNNING" "got: $got"
fi

# ------------------------------------------------------------------ the AWS CLI and the plugin

CMD="aws ecs execute-command --cluster $CL --task $TASK --container app --interactive --command '/ecsmini workload sh -c \"echo hello-from-exec\"'"
out=$(timeout 60 script -qec "$CMD" /dev/null </dev/null 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s' "$out" | grep -q 'hello-from-exec' && printf '%s' "$out" | grep -q 'Exiting session with sessionId: ecs-execute-command-'; then
	pass "aws ecs execute-command --command 'echo hello-from-exec' (session-manager-plugin, pseudo-terminal)"
else
	fail "aws ecs execute-command --command 'echo hello-from-exec'" "exit $rc" "$out"
fi

# An interactive session on a pseudo-terminal: the driver answers the terminal queries a real
# terminal answers, waits for the prompt, types a line, reads its output, checks the
# container's terminal has the driver's size (120x40) and follows a resize (132x50), types exit.
cat >"$TMP/drive.py" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time
argv = sys.argv[1:]
pid, fd = pty.fork()
if pid == 0:  # a 120x40 terminal, as a terminal window would have
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.execvp(argv[0], argv)
buf = b""
def until(want, count=1, timeout=60):
    global buf
    end = time.time() + timeout
    while buf.count(want) < count:
        left = end - time.time()
        if left <= 0:
            raise SystemExit("timed out waiting for %r; output so far:\n%r" % (want, buf))
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            raise SystemExit("the session ended while waiting for %r; output:\n%r" % (want, buf))
        if not chunk:
            raise SystemExit("EOF while waiting for %r; output:\n%r" % (want, buf))
        if b"\x1b]11;?" in chunk:
            os.write(fd, b"\x1b]11;rgb:0000/0000/0000\x1b\\")
        if b"\x1b[6n" in chunk:
            os.write(fd, b"\x1b[1;1R")
        buf += chunk
until(b"$ ")
os.write(fd, b"echo typed-line-42\r")
until(b"typed-line-42", 2)  # the terminal's echo, then the shell's output
until(b"$ ", 2)
os.write(fd, b"size\r")  # the container's terminal has this terminal's size
until(b"40 120")
until(b"$ ", 3)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 132, 0, 0))  # the window is resized
time.sleep(1.5)  # the plugin looks every 0.5 s; ecsmini exec is told by SIGWINCH
os.write(fd, b"size\r")
until(b"50 132")
until(b"$ ", 4)
os.write(fd, os.environ.get("DRIVE_EXIT", "exit").encode() + b"\r")
end = os.environ.get("DRIVE_END", "")
if end:
    until(end.encode())
else:  # read to the end of the session
    try:
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(buf.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
out=$(DRIVE_END="Exiting session with sessionId" timeout 90 python3 "$TMP/drive.py" aws ecs execute-command --cluster "$CL" --task "$TASK" --container app --interactive --command "/ecsmini workload sh -i" 2>&1)
rc=$?
if [ $rc -eq 0 ]; then
	pass "interactive aws ecs execute-command: prompt, a typed line and its output, terminal size and resize, exit"
else
	fail "interactive aws ecs execute-command" "exit $rc" "$out"
fi

out=$(aws ecs execute-command --cluster "$CL" --task "$PLAIN" --container app --interactive --command "/ecsmini workload sh" 2>&1)
if printf '%s' "$out" | grep -q 'InvalidParameterException.*execute command was not enabled when the task was run'; then
	pass "execute-command into a task without enableExecuteCommand: InvalidParameterException"
else
	fail "execute-command into a task without enableExecuteCommand" "$out"
fi

out=$(aws ecs execute-command --cli-input-json "{\"cluster\":\"$CL\",\"task\":\"$TASK\",\"container\":\"app\",\"command\":\"/ecsmini workload sh\",\"interactive\":false}" 2>&1)
if printf '%s' "$out" | grep -q 'Interactive is the only mode supported currently'; then
	pass "execute-command without --interactive: refused as ECS refuses it"
else
	fail "execute-command without --interactive" "$out"
fi

# ------------------------------------------------------------------ ecsmini exec

"$BIN" exec --cluster "$CL" "$TASK" -- /ecsmini workload sh -c "exit 7" </dev/null >/dev/null 2>&1
rc=$?
if [ $rc -eq 7 ]; then
	pass "ecsmini exec returns the command's exit code (7)"
else
	fail "ecsmini exec returns the command's exit code" "exit $rc, want 7"
fi

# ecsmini exec on a pseudo-terminal: raw mode, the terminal's size, typed lines, and the
# status of the shell's exit.
out=$(DRIVE_EXIT="exit 3" timeout 90 python3 "$TMP/drive.py" "$BIN" exec --cluster "$CL" "${TASK##*/}" -- /ecsmini workload sh -i 2>&1)
rc=$?
if [ $rc -eq 3 ]; then
	pass "interactive ecsmini exec on a pseudo-terminal exits with the shell's status (3)"
else
	fail "interactive ecsmini exec on a pseudo-terminal" "exit $rc, want 3" "$out"
fi

if ls "$TMP/state/exec-sessions/"ecs-execute-command-*.log >/dev/null 2>&1 && grep -q hello-from-exec "$TMP/state/exec-sessions/"*.log; then
	pass "session output kept under the state dir (cluster logging DEFAULT)"
else
	fail "session output kept under the state dir" "$(ls -la "$TMP/state/exec-sessions" 2>&1)"
fi

# ------------------------------------------------------------------ down

"$BIN" down --endpoint "$ECSMINI_ENDPOINT" >/dev/null 2>&1 || fail "ecsmini down"
wait "$PID" 2>/dev/null
PID=""
left=$(
	docker ps -a --filter label=ecsmini.managed=true --filter "label=ecsmini.state-dir=$TMP/state" --format 'container {{.Names}}'
	docker network ls --filter label=ecsmini.managed=true --filter "label=ecsmini.state-dir=$TMP/state" --format 'network {{.Name}}'
	docker volume ls --filter label=ecsmini.managed=true --filter "label=ecsmini.state-dir=$TMP/state" --format 'volume {{.Name}}'
)
if [ -z "$left" ]; then
	pass "nothing left in Docker"
else
	fail "nothing left in Docker" "$left"
fi

echo "exec: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
