#!/usr/bin/env bash
# .ci/e2e.sh — end-to-end test: the BUILT ecsmini binary, driven by the AWS CLI (and once by
# boto3) exactly as a user drives it. Run from anywhere: bash .ci/e2e.sh
#
#   build → ecsmini up (sim runtime, temp state dir, free loopback port) → wait for
#   /_ecsmini/health → the README's AWS CLI walkthrough, checking every answer → error cases →
#   SIGKILL + restart on the same state dir (nothing acknowledged is lost) → SIGTERM (exit 0)
#   → restart + SIGINT (exit 0, graceful state kept) → restart + `ecsmini down --purge` (up exits
#   0, the state directory is gone). ecsmini ps and ecsmini logs are checked on the task run in
#   the walkthrough.
#
# Every check prints PASS or FAIL; the last line is "e2e: N passed, M failed"; the exit code is
# non-zero if anything failed. The ecsmini it started is always killed and temp dirs removed.
#
# The commands are run as shell text (eval) so that they are byte-for-byte the commands in the
# README's "AWS CLI walkthrough"; a final check fails if the README shows an `aws ecs` command
# this script does not run.
#
# Needs: go, aws (AWS CLI v1 or v2), jq, python3 with boto3, curl (or python3 as a fallback).
# Env: ECSMINI_BIN=path  use an already built binary instead of building one.
#
# The command texts are single-quoted on purpose: $ECSMINI_ENDPOINT expands when run, as in the
# README. cleanup runs from a trap.
# shellcheck disable=SC2016,SC2317
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

PASSED=0
FAILED=0
PID=""    # the ecsmini under test
SECOND="" # a second ecsmini, briefly, for the state-dir lock check
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecsmini-e2e.XXXXXX")

cleanup() {
	local p
	for p in "$PID" "$SECOND"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill -KILL "$p" 2>/dev/null
			wait "$p" 2>/dev/null
		fi
	done
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
finish() {
	echo "e2e: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && exit 0
	exit 1
}
abort() {
	fail "$@"
	local f
	for f in "$TMP"/up*.out "$TMP"/up*.err; do
		[ -s "$f" ] && { echo "---- $(basename "$f")"; tail -n 20 "$f"; }
	done
	echo "e2e: aborting, later checks cannot run"
	finish
}

for tool in aws jq python3; do
	command -v "$tool" >/dev/null 2>&1 || abort "prerequisite: '$tool' not found (bash .ci/run installs what is missing)"
done

# Isolate the AWS tools from the user's own configuration and credentials.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE
export AWS_CONFIG_FILE="$TMP/aws-config-none"
export AWS_SHARED_CREDENTIALS_FILE="$TMP/aws-credentials-none"
export AWS_EC2_METADATA_DISABLED=true
export AWS_PAGER=""

http_get() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS --max-time 2 "$1"
	else
		python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' "$1"
	fi
}

now_ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

# ---------------------------------------------------------------- build and start

BIN="${ECSMINI_BIN:-}"
if [ -z "$BIN" ]; then
	BIN="$TMP/ecsmini"
	if go build -o "$BIN" . >"$TMP/build.log" 2>&1; then
		pass "build: go build -o ecsmini ."
	else
		abort "build: go build -o ecsmini ." "$(tail -n 20 "$TMP/build.log")"
	fi
fi

if out=$("$BIN" version 2>&1) && [[ "$out" == ecsmini\ * ]]; then
	pass "ecsmini version: $out"
else
	fail "ecsmini version" "$out"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
URL="http://127.0.0.1:$PORT"
STATE="$TMP/state"
RUN=0

# start launches ecsmini up in the background on $PORT and $STATE and waits for health.
start() {
	RUN=$((RUN + 1))
	local t0 t1
	t0=$(now_ms)
	"$BIN" up --state-dir "$STATE" --runtime sim --listen "127.0.0.1:$PORT" \
		</dev/null >"$TMP/up$RUN.out" 2>"$TMP/up$RUN.err" &
	PID=$!
	local deadline=$((SECONDS + 20))
	while [ $SECONDS -lt $deadline ]; do
		if ! kill -0 "$PID" 2>/dev/null; then
			wait "$PID"
			abort "start #$RUN: ecsmini up exited early (code $?)" "$(cat "$TMP/up$RUN.err")"
		fi
		if http_get "$URL/_ecsmini/health" >"$TMP/health.json" 2>/dev/null; then
			t1=$(now_ms)
			pass "start #$RUN: GET /_ecsmini/health answers after $((t1 - t0)) ms (process start included)"
			return 0
		fi
		sleep 0.05
	done
	abort "start #$RUN: no answer on $URL/_ecsmini/health within 20 s"
}

# stop_with SIGNAL: sends it and expects a clean exit 0 within 15 s.
stop_with() {
	local sig=$1 rc i
	kill "-$sig" "$PID"
	for ((i = 0; i < 300; i++)); do
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID"
		wait "$PID" 2>/dev/null
		PID=""
		fail "SIG$sig: ecsmini still running after 15 s (killed)"
		return
	fi
	wait "$PID"
	rc=$?
	PID=""
	if [ "$rc" -eq 0 ]; then
		pass "SIG$sig: ecsmini exits 0"
	else
		fail "SIG$sig: ecsmini exits $rc, want 0" "$(tail -n 5 "$TMP/up$RUN.err")"
	fi
	if grep -q "stopped" "$TMP/up$RUN.out"; then
		pass "SIG$sig: says it stopped"
	else
		fail "SIG$sig: no 'stopped' line on stdout" "$(cat "$TMP/up$RUN.out")"
	fi
}

# ---------------------------------------------------------------- AWS CLI helpers

RAN="$TMP/ran.txt" # every command text run, one per line, for the README check
: >"$RAN"
OUT="$TMP/out.json"
ERR="$TMP/err.txt"
RC=0

# run TEXT: runs the command text exactly as a user would type it.
run() {
	printf '%s\n' "$1" >>"$RAN"
	eval "$1" >"$OUT" 2>"$ERR" </dev/null
	RC=$?
}

# ok NAME TEXT [JQ-FILTER...]: the command succeeds and every filter is true on its output.
ok() {
	local name=$1 text=$2 filter
	shift 2
	run "$text"
	if [ "$RC" -ne 0 ]; then
		fail "$name" "\$ $text" "exit $RC: $(head -c 600 "$ERR")"
		return 1
	fi
	for filter in "$@"; do
		if ! jq -e "$filter" "$OUT" >/dev/null 2>&1; then
			fail "$name" "\$ $text" "expected: $filter" "got: $(jq -c . "$OUT" 2>/dev/null | head -c 1200)"
			return 1
		fi
	done
	pass "$name"
}

# rejects NAME EXCEPTION TEXT [MESSAGE-SUBSTRING...]: the command exits non-zero and stderr
# names the exception (the AWS CLI prints "An error occurred (Exception) when calling ...").
rejects() {
	local name=$1 exc=$2 text=$3 want
	shift 3
	run "$text"
	if [ "$RC" -eq 0 ]; then
		fail "$name" "\$ $text" "exit 0, want an error; output: $(head -c 300 "$OUT")"
		return 1
	fi
	if ! grep -qF "($exc)" "$ERR"; then
		fail "$name" "\$ $text" "exit $RC but stderr lacks ($exc): $(head -c 600 "$ERR")"
		return 1
	fi
	for want in "$@"; do
		if ! grep -qF -- "$want" "$ERR"; then
			fail "$name" "\$ $text" "message lacks '$want': $(head -c 600 "$ERR")"
			return 1
		fi
	done
	pass "$name (exit $RC, $exc)"
}

# ---------------------------------------------------------------- run 1: the walkthrough

start
if jq -e --argjson pid "$PID" '.status == "ok" and .pid == $pid' "$TMP/health.json" >/dev/null; then
	pass "health: status ok, pid matches"
else
	fail "health: status ok, pid matches" "$(cat "$TMP/health.json")"
fi
if grep -qxF "export AWS_ENDPOINT_URL_ECS=$URL" "$TMP/up1.out"; then
	pass "up prints 'export AWS_ENDPOINT_URL_ECS=$URL'"
else
	fail "up prints the endpoint line" "$(cat "$TMP/up1.out")"
fi

# The README says: eval "$(./ecsmini env)". Here with --endpoint, since the port is random.
if envout=$("$BIN" env --endpoint "$URL" 2>"$TMP/env.err") && eval "$envout" &&
	[ "${ECSMINI_ENDPOINT:-}" = "$URL" ] && [ "${AWS_ENDPOINT_URL_ECS:-}" = "$URL" ] &&
	[ "${AWS_DEFAULT_REGION:-}" = "us-east-1" ] && [ -n "${AWS_ACCESS_KEY_ID:-}" ] && [ -n "${AWS_SECRET_ACCESS_KEY:-}" ]; then
	pass "ecsmini env: export lines set endpoint, region and credentials"
else
	fail "ecsmini env" "$envout" "$(cat "$TMP/env.err")"
	export ECSMINI_ENDPOINT="$URL" AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
fi

CLUSTER_ARN="arn:aws:ecs:us-east-1:000000000000:cluster/demo"

# Clusters
ok "create-cluster demo" \
	'aws ecs create-cluster --cluster-name demo --endpoint-url $ECSMINI_ENDPOINT' \
	".cluster.clusterArn == \"$CLUSTER_ARN\"" '.cluster.status == "ACTIVE"' '.cluster.clusterName == "demo"'
ok "list-clusters shows demo" \
	'aws ecs list-clusters --endpoint-url $ECSMINI_ENDPOINT' \
	".clusterArns | index(\"$CLUSTER_ARN\") != null"
ok "describe-clusters: demo found, missing → failures MISSING" \
	'aws ecs describe-clusters --clusters demo missing --include SETTINGS TAGS --endpoint-url $ECSMINI_ENDPOINT' \
	'.clusters | length == 1' '.clusters[0].clusterName == "demo"' '.clusters[0].status == "ACTIVE"' \
	'.failures | length == 1' '.failures[0].reason == "MISSING"' '.failures[0].arn | endswith(":cluster/missing")'
ok "put-cluster-capacity-providers FARGATE + FARGATE_SPOT with a default strategy" \
	'aws ecs put-cluster-capacity-providers --cluster demo --capacity-providers FARGATE FARGATE_SPOT --default-capacity-provider-strategy capacityProvider=FARGATE,base=1,weight=1 capacityProvider=FARGATE_SPOT,weight=3 --endpoint-url $ECSMINI_ENDPOINT' \
	'.cluster.capacityProviders == ["FARGATE","FARGATE_SPOT"]' \
	'.cluster.defaultCapacityProviderStrategy | length == 2' \
	'.cluster.defaultCapacityProviderStrategy[] | select(.capacityProvider == "FARGATE") | .base == 1 and .weight == 1' \
	'.cluster.defaultCapacityProviderStrategy[] | select(.capacityProvider == "FARGATE_SPOT") | .weight == 3'
ok "describe-capacity-providers: FARGATE and FARGATE_SPOT are built in" \
	'aws ecs describe-capacity-providers --capacity-providers FARGATE FARGATE_SPOT --endpoint-url $ECSMINI_ENDPOINT' \
	'[.capacityProviders[].name] | sort == ["FARGATE","FARGATE_SPOT"]' \
	'[.capacityProviders[].status] | unique == ["ACTIVE"]'
rejects "put-cluster-capacity-providers: unknown provider refused" InvalidParameterException \
	'aws ecs put-cluster-capacity-providers --cluster demo --capacity-providers FARGATE NOPE --default-capacity-provider-strategy capacityProvider=FARGATE,weight=1 --endpoint-url $ECSMINI_ENDPOINT'

# Task definitions: every example registers
n_examples=0
for f in examples/*.json; do
	n_examples=$((n_examples + 1))
	family=$(jq -r .family "$f")
	ok "register-task-definition --cli-input-json file://$f" \
		"aws ecs register-task-definition --cli-input-json file://$f --endpoint-url \$ECSMINI_ENDPOINT" \
		".taskDefinition.family == \"$family\"" '.taskDefinition.revision == 1' '.taskDefinition.status == "ACTIVE"' \
		".taskDefinition.taskDefinitionArn == \"arn:aws:ecs:us-east-1:000000000000:task-definition/$family:1\"" \
		'.taskDefinition.containerDefinitions | length >= 1'
done
if [ "$n_examples" -ge 3 ]; then
	pass "examples/: $n_examples task definitions found"
else
	fail "examples/: want at least 3 *.json, found $n_examples"
fi

ok "fargate-web registers again as revision 2" \
	'aws ecs register-task-definition --cli-input-json file://examples/fargate-web.json --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 2'
ok "describe-task-definition fargate-web: latest ACTIVE revision, Fargate sizes, tags" \
	'aws ecs describe-task-definition --task-definition fargate-web --include TAGS --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 2' '.taskDefinition.cpu == "512"' '.taskDefinition.memory == "1024"' \
	'.taskDefinition.networkMode == "awsvpc"' '.taskDefinition.compatibilities | index("FARGATE") != null' \
	'.taskDefinition.requiresCompatibilities == ["FARGATE"]' \
	'.taskDefinition.containerDefinitions[] | select(.name == "web") | .dependsOn == [{"containerName":"sidecar","condition":"HEALTHY"}]' \
	'.taskDefinition.containerDefinitions[] | select(.name == "sidecar") | .healthCheck.retries == 3' \
	'.tags | index({"key":"example","value":"fargate-web"}) != null'
ok "describe-task-definition ec2-bridge:1: bridge, dynamic host port, memoryReservation" \
	'aws ecs describe-task-definition --task-definition ec2-bridge:1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.networkMode == "bridge"' '.taskDefinition.containerDefinitions[0].portMappings[0].hostPort == 0' \
	'.taskDefinition.containerDefinitions[0].memoryReservation == 256' '.taskDefinition.compatibilities | index("EC2") != null'
ok "describe-task-definition by full ARN" \
	'aws ecs describe-task-definition --task-definition arn:aws:ecs:us-east-1:000000000000:task-definition/worker-spot:1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.family == "worker-spot"' '.taskDefinition.cpu == "256"'
ok "list-task-definitions --family-prefix fargate-web" \
	'aws ecs list-task-definitions --family-prefix fargate-web --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinitionArns == ["arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:1","arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:2"]'
ok "list-task-definition-families" \
	'aws ecs list-task-definition-families --endpoint-url $ECSMINI_ENDPOINT' \
	'.families == ["ec2-bridge","fargate-web","hello-job","worker-spot"]'
ok "list-task-definitions paginates (--max-items 2 → NextToken)" \
	'aws ecs list-task-definitions --max-items 2 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinitionArns | length == 2' '.NextToken | type == "string"'
ok "deregister-task-definition fargate-web:1 → INACTIVE" \
	'aws ecs deregister-task-definition --task-definition fargate-web:1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.status == "INACTIVE"' '.taskDefinition.revision == 1'
ok "delete-task-definitions fargate-web:1 → DELETE_IN_PROGRESS" \
	'aws ecs delete-task-definitions --task-definitions fargate-web:1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinitions[0].status == "DELETE_IN_PROGRESS"' '(.failures // []) | length == 0'
ok "list-task-definitions (ACTIVE) no longer lists fargate-web:1" \
	'aws ecs list-task-definitions --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinitionArns | index("arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:1") == null' \
	'.taskDefinitionArns | index("arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:2") != null'
# ECS refuses to delete an ACTIVE revision (deregister first); accept the refusal either as a
# failures entry or as a ClientException, but the revision must stay ACTIVE.
run 'aws ecs delete-task-definitions --task-definitions worker-spot:1 --endpoint-url $ECSMINI_ENDPOINT'
if { [ "$RC" -eq 0 ] && jq -e '(.failures | length == 1) and ((.taskDefinitions // []) | length == 0)' "$OUT" >/dev/null 2>&1; } ||
	{ [ "$RC" -ne 0 ] && grep -qF '(ClientException)' "$ERR"; }; then
	pass "delete-task-definitions of an ACTIVE revision is refused"
else
	fail "delete-task-definitions of an ACTIVE revision is refused" "exit $RC: $(head -c 400 "$OUT") $(head -c 400 "$ERR")"
fi
ok "worker-spot:1 is still ACTIVE" \
	'aws ecs describe-task-definition --task-definition worker-spot:1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.status == "ACTIVE"'

# Tags
ok "tag-resource on the cluster" \
	'aws ecs tag-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --tags key=team,value=platform key=env,value=dev --endpoint-url $ECSMINI_ENDPOINT'
ok "untag-resource env" \
	'aws ecs untag-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --tag-keys env --endpoint-url $ECSMINI_ENDPOINT'
ok "list-tags-for-resource → team=platform only" \
	'aws ecs list-tags-for-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --endpoint-url $ECSMINI_ENDPOINT' \
	'.tags == [{"key":"team","value":"platform"}]'
rejects "tag-resource: aws: prefix is reserved" InvalidParameterException \
	'aws ecs tag-resource --resource-arn arn:aws:ecs:us-east-1:000000000000:cluster/demo --tags key=aws:owner,value=me --endpoint-url $ECSMINI_ENDPOINT'

# Account settings
ok "put-account-setting-default fargateTaskRetirementWaitPeriod 14" \
	'aws ecs put-account-setting-default --name fargateTaskRetirementWaitPeriod --value 14 --endpoint-url $ECSMINI_ENDPOINT' \
	'.setting.name == "fargateTaskRetirementWaitPeriod"' '.setting.value == "14"'
ok "list-account-settings --effective-settings shows 14" \
	'aws ecs list-account-settings --effective-settings --name fargateTaskRetirementWaitPeriod --endpoint-url $ECSMINI_ENDPOINT' \
	'.settings | length >= 1' '[.settings[] | select(.name == "fargateTaskRetirementWaitPeriod") | .value] | unique == ["14"]'
rejects "put-account-setting-default: wait period 3 is not 0, 7 or 14" InvalidParameterException \
	'aws ecs put-account-setting-default --name fargateTaskRetirementWaitPeriod --value 3 --endpoint-url $ECSMINI_ENDPOINT'

# Tasks: a one-shot job on the simulated runtime, through the AWS CLI's own waiters.
ok "register-task-definition hello-job" \
	'aws ecs register-task-definition --cli-input-json file://examples/hello-job.json --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.family == "hello-job"'
ok "run-task answers PROVISIONING, as ECS does" \
	'aws ecs run-task --cluster demo --task-definition hello-job --launch-type FARGATE --network-configuration "awsvpcConfiguration={subnets=[subnet-12345678]}" --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks | length == 1' '.tasks[0].lastStatus == "PROVISIONING"' '.tasks[0].desiredStatus == "RUNNING"' \
	'.tasks[0].taskArn | test("^arn:aws:ecs:us-east-1:000000000000:task/demo/[0-9a-f]{32}$")'
RUN_ARN=$(jq -r '.tasks[0].taskArn' "$OUT" 2>/dev/null)
run 'TASK=$(aws ecs list-tasks --cluster demo --family hello-job --query "taskArns[0]" --output text --endpoint-url $ECSMINI_ENDPOINT)'
if [ "$RC" -eq 0 ] && [ -n "${TASK:-}" ] && [ "$TASK" = "$RUN_ARN" ]; then
	pass "list-tasks finds the task run-task started"
else
	fail "list-tasks finds the task run-task started" "exit $RC, TASK=${TASK:-}, run-task said $RUN_ARN"
fi
ok "aws ecs wait tasks-running" \
	'aws ecs wait tasks-running --cluster demo --tasks $TASK --endpoint-url $ECSMINI_ENDPOINT'
ok "describe-tasks: RUNNING, container running, ENI attached" \
	'aws ecs describe-tasks --cluster demo --tasks $TASK --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks[0].lastStatus == "RUNNING"' '.tasks[0].containers[0].lastStatus == "RUNNING"' \
	'.tasks[0].attachments[0].status == "ATTACHED"' '.tasks[0].startedAt != null' '.tasks[0].version > 1'
ok "aws ecs wait tasks-stopped" \
	'aws ecs wait tasks-stopped --cluster demo --tasks $TASK --endpoint-url $ECSMINI_ENDPOINT'
ok "describe-tasks: STOPPED, essential container exited 0" \
	'aws ecs describe-tasks --cluster demo --tasks $TASK --query "tasks[0].[lastStatus,stopCode,containers[0].exitCode]" --endpoint-url $ECSMINI_ENDPOINT' \
	'. == ["STOPPED", "EssentialContainerExited", 0]'
ok "list-tasks --desired-status STOPPED shows it" \
	'aws ecs list-tasks --cluster demo --desired-status STOPPED --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskArns | length == 1'
# The task as ecsmini's own commands show it.
SHORT=$(printf '%.12s' "${TASK##*/}") # ps shows task ids shortened to 12 characters
if out=$("$BIN" ps --all --cluster demo --endpoint "$URL" 2>&1) &&
	grep -q "$SHORT .*hello-job:.*STOPPED" <<<"$out"; then
	pass "ecsmini ps --all shows the stopped hello-job task"
else
	fail "ecsmini ps --all shows the stopped hello-job task" "$out"
fi
if out=$("$BIN" logs "$TASK" --endpoint "$URL" 2>&1) && grep -qF "hello from an ecsmini task" <<<"$out"; then
	pass "ecsmini logs TASK prints the container's output"
else
	fail "ecsmini logs TASK prints the container's output" "$out"
fi

# Services: create, roll out a new revision, wait as the AWS CLI does, delete.
TG=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef
ok "create-service answers ACTIVE with one PRIMARY deployment IN_PROGRESS" \
	'aws ecs create-service --cluster demo --service-name web --task-definition fargate-web --desired-count 2 --launch-type FARGATE --network-configuration "awsvpcConfiguration={subnets=[subnet-12345678]}" --load-balancers targetGroupArn=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web/0123456789abcdef,containerName=web,containerPort=8080 --deployment-configuration "deploymentCircuitBreaker={enable=true,rollback=true}" --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.status == "ACTIVE"' '.service.desiredCount == 2' '.service.deployments | length == 1' \
	'.service.deployments[0].status == "PRIMARY"' '.service.deployments[0].rolloutState == "IN_PROGRESS"' \
	'.service.deployments[0].id | test("^ecs-svc/[0-9]{19}$")' '.service.taskDefinition | endswith("task-definition/fargate-web:2")' \
	'.service.deploymentConfiguration.deploymentCircuitBreaker.rollback == true' '.service.loadBalancers[0].containerPort == 8080'
ok "aws ecs wait services-stable (create)" \
	'aws ecs wait services-stable --cluster demo --services web --endpoint-url $ECSMINI_ENDPOINT'
ok "list-tasks --service-name lists the service's 2 tasks" \
	'aws ecs list-tasks --cluster demo --service-name web --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskArns | length == 2'
ok "the service's tasks carry group service:web and startedBy the deployment" \
	'aws ecs describe-tasks --cluster demo --tasks $(aws ecs list-tasks --cluster demo --service-name web --query "taskArns" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'[.tasks[].group] | unique == ["service:web"]' '[.tasks[].startedBy | test("^ecs-svc/")] | unique == [true]'
if out=$("$BIN" ps --cluster demo --endpoint "$URL" 2>&1) && grep -q "^web .*ACTIVE .*http://127.0.0.1:[0-9]* → web:8080" <<<"$out"; then
	pass "ecsmini ps shows the service and its local load balancer"
else
	fail "ecsmini ps shows the service and its local load balancer" "$out"
fi
ok "register-task-definition fargate-web again: revision 3" \
	'aws ecs register-task-definition --cli-input-json file://examples/fargate-web.json --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 3'
ok "update-service starts a new PRIMARY deployment" \
	'aws ecs update-service --cluster demo --service web --task-definition fargate-web:3 --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.deployments | length == 2' '.service.deployments[0].status == "PRIMARY"' \
	'.service.deployments[0].taskDefinition | endswith("fargate-web:3")' '.service.deployments[1].status == "ACTIVE"'
ok "aws ecs wait services-stable (rolling update)" \
	'aws ecs wait services-stable --cluster demo --services web --endpoint-url $ECSMINI_ENDPOINT'
ok "describe-services: revision 3 rolled out, 2 running, COMPLETED" \
	'aws ecs describe-services --cluster demo --services web --query "services[0].[taskDefinition,runningCount,deployments[0].rolloutState]" --endpoint-url $ECSMINI_ENDPOINT' \
	'.[0] | endswith("fargate-web:3")' '.[1] == 2' '.[2] == "COMPLETED"'
ok "describe-services: events in ECS's words, newest first" \
	'aws ecs describe-services --cluster demo --services web --query "services[0].events[].message" --endpoint-url $ECSMINI_ENDPOINT' \
	'.[0] == "(service web) has reached a steady state."' \
	'any(.[]; test("^\\(service web\\) \\(deployment ecs-svc/[0-9]+\\) deployment completed\\.$"))' \
	'any(.[]; test("^\\(service web\\) has started 2 tasks: \\(task [0-9a-f]{32}\\) \\(task [0-9a-f]{32}\\)\\.$"))' \
	'any(.[]; test("^\\(service web\\) has stopped [12] running tasks: "))' \
	'any(.[]; startswith("(service web) registered "))' 'any(.[]; startswith("(service web) has begun draining connections on "))'
# Service deployments: the rolling update above, then a circuit breaker rollback.
ok "list-service-deployments: the create and the update, newest first, SUCCESSFUL" \
	'aws ecs list-service-deployments --cluster demo --service web --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceDeployments | length == 2' '[.serviceDeployments[].status] == ["SUCCESSFUL", "SUCCESSFUL"]' \
	'.serviceDeployments[0].serviceDeploymentArn | test(":service-deployment/demo/web/[A-Za-z0-9_-]{21}$")' \
	'.serviceDeployments[0].targetServiceRevisionArn | test(":service-revision/demo/web/[0-9]{19}$")'
ok "describe-service-deployments: the update moved revision 2's tasks to revision 3" \
	'aws ecs describe-service-deployments --service-deployment-arns $(aws ecs list-service-deployments --cluster demo --service web --query "serviceDeployments[0].serviceDeploymentArn" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceDeployments[0].status == "SUCCESSFUL"' '.serviceDeployments[0].sourceServiceRevisions | length == 1' \
	'.serviceDeployments[0].targetServiceRevision.runningTaskCount == 2' '.serviceDeployments[0].finishedAt > .serviceDeployments[0].startedAt' \
	'.serviceDeployments[0].deploymentCircuitBreaker.status == "MONITORING_COMPLETE"'
ok "describe-service-revisions: the update's revision runs fargate-web:3 behind the target group" \
	'aws ecs describe-service-revisions --service-revision-arns $(aws ecs list-service-deployments --cluster demo --service web --query "serviceDeployments[0].targetServiceRevisionArn" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceRevisions[0].taskDefinition | endswith("fargate-web:3")' '.serviceRevisions[0].loadBalancers[0].containerPort == 8080' \
	'.serviceRevisions[0].containerImages[0].image == "ecsmini-demo:latest"'
ok "register-task-definition broken-web: an image that cannot be pulled" \
	'aws ecs register-task-definition --family broken-web --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --container-definitions "[{\"name\":\"web\",\"image\":\"ecsmini-demo:missing\",\"portMappings\":[{\"containerPort\":8080}]}]" --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 1'
ok "update-service to broken-web: a deployment the circuit breaker will roll back" \
	'aws ecs update-service --cluster demo --service web --task-definition broken-web --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.deployments[0].taskDefinition | endswith("broken-web:1")'
deadline=$((SECONDS + 180)) # the breaker trips after 3 failed starts; the rollback takes ~40 s
while [ $SECONDS -lt $deadline ]; do
	run 'aws ecs list-service-deployments --cluster demo --service web --status ROLLBACK_SUCCESSFUL --endpoint-url $ECSMINI_ENDPOINT'
	if [ "$RC" -eq 0 ] && jq -e '.serviceDeployments | length == 1' "$OUT" >/dev/null 2>&1; then
		break
	fi
	sleep 1
done
ok "list-service-deployments --status ROLLBACK_SUCCESSFUL: the breaker rolled the update back" \
	'aws ecs list-service-deployments --cluster demo --service web --status ROLLBACK_SUCCESSFUL --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceDeployments | length == 1' '.serviceDeployments[0].finishedAt != null'
ok "describe-service-deployments: rolled back to revision 3, breaker TRIGGERED" \
	'aws ecs describe-service-deployments --service-deployment-arns $(aws ecs list-service-deployments --cluster demo --service web --query "serviceDeployments[0].serviceDeploymentArn" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceDeployments[0].status == "ROLLBACK_SUCCESSFUL"' '.serviceDeployments[0].deploymentCircuitBreaker.status == "TRIGGERED"' \
	'.serviceDeployments[0].deploymentCircuitBreaker.failureCount >= 3' \
	'.serviceDeployments[0].rollback.serviceRevisionArn == .serviceDeployments[0].sourceServiceRevisions[0].arn'
ok "aws ecs wait services-stable (after the rollback)" \
	'aws ecs wait services-stable --cluster demo --services web --endpoint-url $ECSMINI_ENDPOINT'
ok "describe-services: back on fargate-web:3" \
	'aws ecs describe-services --cluster demo --services web --query "services[0].taskDefinition" --endpoint-url $ECSMINI_ENDPOINT' \
	'endswith("fargate-web:3")'
rejects "delete-service without --force while scaled above 0" InvalidParameterException \
	'aws ecs delete-service --cluster demo --service web --endpoint-url $ECSMINI_ENDPOINT' \
	"The service cannot be stopped while it is scaled above 0."
ok "delete-service --force: DRAINING" \
	'aws ecs delete-service --cluster demo --service web --force --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.status == "DRAINING"' '.service.desiredCount == 0'
ok "aws ecs wait services-inactive" \
	'aws ecs wait services-inactive --cluster demo --services web --endpoint-url $ECSMINI_ENDPOINT'
ok "list-tasks --service-name: no tasks left" \
	'aws ecs list-tasks --cluster demo --service-name web --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskArns | length == 0'

rejects "run-task: awsvpc without a network configuration" InvalidParameterException \
	'aws ecs run-task --cluster demo --task-definition hello-job --launch-type FARGATE --endpoint-url $ECSMINI_ENDPOINT' \
	"Network Configuration must be provided"

# An invalid task definition: exit code non-zero, the exception and every problem in one message.
rejects "register-task-definition: invalid Fargate definition rejected, all problems reported" ClientException \
	'aws ecs register-task-definition --family broken --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 4096 --container-definitions name=app,image=ecsmini-demo:latest,essential=false --endpoint-url $ECSMINI_ENDPOINT' \
	"Fargate" "essential"
rejects "describe-task-definition of an unknown family" ClientException \
	'aws ecs describe-task-definition --task-definition no-such-family --endpoint-url $ECSMINI_ENDPOINT'

# boto3, once: users script ECS with it.
if b3=$(python3 - "$URL" 2>&1 <<'EOF'
import sys
import boto3
ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="test", aws_secret_access_key="test")
arn = ecs.create_cluster(clusterName="from-boto3", tags=[{"key": "via", "value": "boto3"}])["cluster"]["clusterArn"]
assert arn == "arn:aws:ecs:us-east-1:000000000000:cluster/from-boto3", arn
names = [c["clusterName"] for c in ecs.describe_clusters(clusters=["from-boto3"], include=["TAGS"])["clusters"]]
assert names == ["from-boto3"], names
try:
    ecs.describe_task_definition(taskDefinition="no-such-family")
    raise SystemExit("describe_task_definition of a missing family did not raise")
except ecs.exceptions.ClientException:
    pass
print(arn)
EOF
); then
	pass "boto3: create_cluster, describe_clusters, modelled ClientException ($b3)"
else
	fail "boto3 client" "$b3"
fi
ok "AWS CLI sees the boto3 cluster" \
	'aws ecs list-clusters --endpoint-url $ECSMINI_ENDPOINT' \
	'.clusterArns | index("arn:aws:ecs:us-east-1:000000000000:cluster/from-boto3") != null'

# Simulated EC2 capacity: instances, placement strategies and constraints, remaining
# resources, draining, and an Auto Scaling group that managed scaling grows from zero.
ok "create-cluster ec2demo" \
	'aws ecs create-cluster --cluster-name ec2demo --endpoint-url $ECSMINI_ENDPOINT' \
	'.cluster.status == "ACTIVE"'
for az in us-east-1a us-east-1b; do
	ok "ecsmini instance add --type m5.large --az $az" \
		"\"\$BIN\" instance add --cluster ec2demo --type m5.large --az $az --endpoint \$ECSMINI_ENDPOINT"
done
ok "list-container-instances --filter (cluster query language)" \
	'aws ecs list-container-instances --cluster ec2demo --filter "attribute:ecs.availability-zone == us-east-1b and attribute:ecs.instance-type =~ m5.*" --endpoint-url $ECSMINI_ENDPOINT' \
	'.containerInstanceArns | length == 1'
ok "run-task --placement-strategy binpack: three tasks on one instance" \
	'aws ecs run-task --cluster ec2demo --task-definition ec2-bridge --count 3 --placement-strategy type=binpack,field=memory --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks | length == 3' '[.tasks[].containerInstanceArn] | unique | length == 1'
ok "describe-container-instances: remaining CPU follows the tasks" \
	'aws ecs describe-container-instances --cluster ec2demo --container-instances $(aws ecs list-container-instances --cluster ec2demo --query containerInstanceArns --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'[.containerInstances[].registeredResources[] | select(.name == "CPU") | .integerValue] | add == 4096' \
	'[.containerInstances[].remainingResources[] | select(.name == "CPU") | .integerValue] | add == 4096 - 3 * 256'
ok "run-task memberOf a type the cluster lacks: MemberOf failure" \
	'aws ecs run-task --cluster ec2demo --task-definition ec2-bridge --placement-constraints "type=memberOf,expression=attribute:ecs.instance-type == t3.micro" --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks | length == 0' '.failures[0].reason == "MemberOf placement constraint unsatisfied"'
ok "update-container-instances-state DRAINING" \
	'aws ecs update-container-instances-state --cluster ec2demo --status DRAINING --container-instances $(aws ecs list-container-instances --cluster ec2demo --filter "attribute:ecs.availability-zone == us-east-1a" --query containerInstanceArns --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'.containerInstances[0].status == "DRAINING"'
ok "ecsmini asg create web-asg" \
	"\"\$BIN\" asg create web-asg --cluster ec2demo --type c5.xlarge --max 5 --endpoint \$ECSMINI_ENDPOINT"
ok "create-capacity-provider on the simulated group, managed scaling" \
	"aws ecs create-capacity-provider --name web-cp --auto-scaling-group-provider 'autoScalingGroupArn=web-asg,managedScaling={status=ENABLED,targetCapacity=100}' --endpoint-url \$ECSMINI_ENDPOINT" \
	'.capacityProvider.status == "ACTIVE"'
ok "put-cluster-capacity-providers ec2demo web-cp" \
	'aws ecs put-cluster-capacity-providers --cluster ec2demo --capacity-providers web-cp --default-capacity-provider-strategy capacityProvider=web-cp,weight=1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.cluster.capacityProviders == ["web-cp"]'
ok "run-task on web-cp: PROVISIONING while the group has no instance" \
	'aws ecs run-task --cluster ec2demo --task-definition ec2-bridge --count 4 --capacity-provider-strategy capacityProvider=web-cp,weight=1 --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks | length == 4' 'all(.tasks[]; .lastStatus == "PROVISIONING" and .containerInstanceArn == null)'
ok "ecsmini clock advance 2m (managed scaling evaluates, instances boot)" \
	"\"\$BIN\" clock advance 2m --endpoint \$ECSMINI_ENDPOINT"
placed=0
for ((i = 0; i < 60; i++)); do
	placed=$(aws ecs list-tasks --cluster ec2demo --endpoint-url "$ECSMINI_ENDPOINT" --query "taskArns" --output text 2>/dev/null |
		xargs aws ecs describe-tasks --cluster ec2demo --endpoint-url "$ECSMINI_ENDPOINT" --query "length(tasks[?capacityProviderName=='web-cp' && lastStatus=='RUNNING' && containerInstanceArn!=null])" --output text --tasks 2>/dev/null || echo 0)
	[ "${placed:-0}" -ge 4 ] && break
	"$BIN" clock advance 30s --endpoint "$URL" >/dev/null 2>&1
	sleep 0.2
done
if [ "${placed:-0}" -ge 4 ]; then
	pass "managed scaling launched instances and the 4 waiting tasks run on them"
else
	fail "managed scaling launched instances and the 4 waiting tasks run on them" "running on web-cp: $placed; $("$BIN" asg ls --endpoint "$URL" 2>&1)"
fi
ok "list-container-instances: the group's instances joined ec2demo" \
	'aws ecs list-container-instances --cluster ec2demo --filter "attribute:ecs.instance-type == c5.xlarge" --endpoint-url $ECSMINI_ENDPOINT' \
	'.containerInstanceArns | length >= 1'

# A service that must outlive a crash of ecsmini.
ok "create-service keeper (survives the SIGKILL below)" \
	'aws ecs create-service --cluster demo --service-name keeper --task-definition fargate-web --desired-count 1 --launch-type FARGATE --network-configuration "awsvpcConfiguration={subnets=[subnet-12345678]}" --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.status == "ACTIVE"'
ok "aws ecs wait services-stable (keeper)" \
	'aws ecs wait services-stable --cluster demo --services keeper --endpoint-url $ECSMINI_ENDPOINT'

# A second ecsmini on the same state dir must refuse, not corrupt it.
"$BIN" up --state-dir "$STATE" --runtime sim --listen 127.0.0.1:0 </dev/null >"$TMP/second.out" 2>"$TMP/second.err" &
SECOND=$!
for ((i = 0; i < 200; i++)); do
	kill -0 "$SECOND" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$SECOND" 2>/dev/null; then
	kill -KILL "$SECOND"
	wait "$SECOND" 2>/dev/null
	SECOND=""
	fail "second ecsmini on the same --state-dir refused" "it was still serving after 10 s: $(cat "$TMP/second.out")"
else
	wait "$SECOND"
	rc=$?
	SECOND=""
	if [ "$rc" -ne 0 ] && grep -q "in use" "$TMP/second.err"; then
		pass "second ecsmini on the same --state-dir refused (exit $rc)"
	else
		fail "second ecsmini on the same --state-dir refused" "exit $rc: $(cat "$TMP/second.err")"
	fi
fi

# ---------------------------------------------------------------- run 2: SIGKILL, restart

{
	kill -KILL "$PID"
	wait "$PID"
} 2>/dev/null # no "Killed" job notice
PID=""
pass "SIGKILL: ecsmini killed mid-flight"
start

ok "after SIGKILL: cluster demo is back with its capacity providers and strategy" \
	'aws ecs describe-clusters --clusters demo --include TAGS --endpoint-url $ECSMINI_ENDPOINT' \
	'.clusters[0].status == "ACTIVE"' '.clusters[0].capacityProviders == ["FARGATE","FARGATE_SPOT"]' \
	'.clusters[0].defaultCapacityProviderStrategy | length == 2' \
	'.clusters[0].tags == [{"key":"team","value":"platform"}]'
ok "after SIGKILL: service keeper is back and replaced its lost task" \
	'aws ecs wait services-stable --cluster demo --services keeper --endpoint-url $ECSMINI_ENDPOINT'
ok "after SIGKILL: keeper runs 1 task, started twice (before and after the crash)" \
	'aws ecs describe-services --cluster demo --services keeper --endpoint-url $ECSMINI_ENDPOINT' \
	'.services[0].status == "ACTIVE"' '.services[0].runningCount == 1' \
	'[.services[0].events[].message | select(startswith("(service keeper) has started 1 tasks"))] | length == 2'
ok "after SIGKILL: keeper's service deployment is back, SUCCESSFUL" \
	'aws ecs list-service-deployments --cluster demo --service keeper --endpoint-url $ECSMINI_ENDPOINT' \
	'.serviceDeployments | length == 1' '.serviceDeployments[0].status == "SUCCESSFUL"'
ok "delete-service keeper --force" \
	'aws ecs delete-service --cluster demo --service keeper --force --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.status == "DRAINING"'
ok "after SIGKILL: boto3's cluster is back" \
	'aws ecs list-clusters --endpoint-url $ECSMINI_ENDPOINT' \
	'.clusterArns | index("arn:aws:ecs:us-east-1:000000000000:cluster/from-boto3") != null'
ok "after SIGKILL: task definitions are back (fargate-web:1 stays deleted)" \
	'aws ecs list-task-definitions --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinitionArns | sort == ["arn:aws:ecs:us-east-1:000000000000:task-definition/broken-web:1","arn:aws:ecs:us-east-1:000000000000:task-definition/ec2-bridge:1","arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:2","arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-web:3","arn:aws:ecs:us-east-1:000000000000:task-definition/hello-job:1","arn:aws:ecs:us-east-1:000000000000:task-definition/hello-job:2","arn:aws:ecs:us-east-1:000000000000:task-definition/worker-spot:1"]'
ok "after SIGKILL: describe-task-definition fargate-web → revision 3 with its tags" \
	'aws ecs describe-task-definition --task-definition fargate-web --include TAGS --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 3' '.tags | index({"key":"example","value":"fargate-web"}) != null'
ok "after SIGKILL: account setting default still 14" \
	'aws ecs list-account-settings --effective-settings --name fargateTaskRetirementWaitPeriod --endpoint-url $ECSMINI_ENDPOINT' \
	'[.settings[] | select(.name == "fargateTaskRetirementWaitPeriod") | .value] | unique == ["14"]'
ok "after SIGKILL: revisions continue after deletes (fargate-web:4)" \
	'aws ecs register-task-definition --cli-input-json file://examples/fargate-web.json --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 4'
ok "delete-cluster from-boto3 → INACTIVE" \
	'aws ecs delete-cluster --cluster from-boto3 --endpoint-url $ECSMINI_ENDPOINT' \
	'.cluster.status == "INACTIVE"'

# Fargate Spot and retirement (last in this run: the clock jumps 14 days, and a restart
# brings the wall clock back).
ok "create-service spotty on the cluster's default strategy (FARGATE base 1, 1:3 Spot)" \
	'aws ecs create-service --cluster demo --service-name spotty --task-definition fargate-web --desired-count 4 --network-configuration "awsvpcConfiguration={subnets=[subnet-12345678]}" --endpoint-url $ECSMINI_ENDPOINT' \
	'.service.capacityProviderStrategy | length == 2'
ok "aws ecs wait services-stable (spotty)" \
	'aws ecs wait services-stable --cluster demo --services spotty --endpoint-url $ECSMINI_ENDPOINT'
ok "spotty's tasks are split FARGATE base 1, then 1:3 (2 + 2, within a task of the weights)" \
	'aws ecs describe-tasks --cluster demo --tasks $(aws ecs list-tasks --cluster demo --service-name spotty --query "taskArns" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'[.tasks[] | select(.capacityProviderName == "FARGATE")] | length == 2' '[.tasks[] | select(.capacityProviderName == "FARGATE_SPOT")] | length == 2' '[.tasks[].launchType] | unique == ["FARGATE"]'
if out=$("$BIN" spot interrupt --service spotty --count 1 --cluster demo --endpoint "$URL" 2>&1) && grep -q "^interrupted arn:aws:ecs:" <<<"$out"; then
	pass "ecsmini spot interrupt --service spotty --count 1"
	VICTIM=$(awk '{print $2}' <<<"$out")
else
	fail "ecsmini spot interrupt --service spotty --count 1" "$out"
	VICTIM=none
fi
ok "aws ecs wait tasks-stopped (the interrupted task)" \
	'aws ecs wait tasks-stopped --cluster demo --tasks $VICTIM --endpoint-url $ECSMINI_ENDPOINT'
ok "the interrupted task: SpotInterruption, \"Your Spot Task was interrupted.\"" \
	'aws ecs describe-tasks --cluster demo --tasks $VICTIM --endpoint-url $ECSMINI_ENDPOINT' \
	'.tasks[0].stopCode == "SpotInterruption"' '.tasks[0].stoppedReason == "Your Spot Task was interrupted."'
for state in off on; do
	if out=$("$BIN" spot capacity $state --cluster demo --endpoint "$URL" 2>&1) && grep -q "Fargate Spot capacity" <<<"$out"; then
		pass "ecsmini spot capacity $state"
	else
		fail "ecsmini spot capacity $state" "$out"
	fi
done
if out=$("$BIN" retire --service spotty --cluster demo --endpoint "$URL" 2>&1) && [ "$(grep -c " retires at " <<<"$out")" -eq 4 ]; then
	pass "ecsmini retire --service spotty: 4 tasks scheduled (14-day wait)"
else
	fail "ecsmini retire --service spotty: 4 tasks scheduled (14-day wait)" "$out"
fi
if out=$("$BIN" clock advance 14d --endpoint "$URL" 2>&1); then
	pass "ecsmini clock advance 14d"
else
	fail "ecsmini clock advance 14d" "$out"
fi
# The retired tasks are replaced make-before-break and stop. (The interrupted task, stopped
# before the clock jumped 14 days, is past the one-hour STOPPED retention and gone.)
retired=0
for ((i = 0; i < 120; i++)); do
	retired=$(aws ecs list-tasks --cluster demo --service-name spotty --desired-status STOPPED --endpoint-url "$ECSMINI_ENDPOINT" --query "length(taskArns)" --output text 2>/dev/null || echo 0)
	[ "${retired:-0}" -ge 4 ] && break
	sleep 0.5
done
if [ "${retired:-0}" -ge 4 ]; then
	pass "the 4 retired tasks of spotty stopped after the 14 days"
else
	fail "the 4 retired tasks of spotty stopped after the 14 days" "stopped: $retired"
fi
ok "aws ecs wait services-stable (spotty, retired tasks replaced)" \
	'aws ecs wait services-stable --cluster demo --services spotty --endpoint-url $ECSMINI_ENDPOINT'
ok "describe-services spotty: the retirement in the events" \
	'aws ecs describe-services --cluster demo --services spotty --query "services[0].events[0:6].message" --endpoint-url $ECSMINI_ENDPOINT' \
	'any(.[]; test("^\\(service spotty\\) has (stopped|started) [0-9]+ (running )?tasks"))'
ok "every retired task stopped with ECS's maintenance reason" \
	'aws ecs describe-tasks --cluster demo --tasks $(aws ecs list-tasks --cluster demo --service-name spotty --desired-status STOPPED --query "taskArns" --output text --endpoint-url $ECSMINI_ENDPOINT) --endpoint-url $ECSMINI_ENDPOINT' \
	'[.tasks[] | select(.stoppedReason == "ECS is performing maintenance on the underlying infrastructure hosting the task")] | length == 4'

stop_with TERM

# ---------------------------------------------------------------- run 3: graceful state, SIGINT

start
ok "after SIGTERM: fargate-web:4 and the cluster survived" \
	'aws ecs describe-task-definition --task-definition fargate-web --endpoint-url $ECSMINI_ENDPOINT' \
	'.taskDefinition.revision == 4'
ok "after SIGTERM: from-boto3 stays deleted" \
	'aws ecs list-clusters --endpoint-url $ECSMINI_ENDPOINT' \
	".clusterArns | sort == [\"$CLUSTER_ARN\", \"arn:aws:ecs:us-east-1:000000000000:cluster/ec2demo\"]"
# (Managed scaling may have scaled in one idle c5.xlarge once the clock jumped 14 days.)
ok "after SIGTERM: ec2demo's container instances survived" \
	'aws ecs list-container-instances --cluster ec2demo --endpoint-url $ECSMINI_ENDPOINT' \
	'.containerInstanceArns | length >= 3'
ok "after SIGTERM: the drained instance is still DRAINING" \
	'aws ecs list-container-instances --cluster ec2demo --status DRAINING --filter "attribute:ecs.availability-zone == us-east-1a and attribute:ecs.instance-type == m5.large" --endpoint-url $ECSMINI_ENDPOINT' \
	'.containerInstanceArns | length == 1'
stop_with INT

# ---------------------------------------------------------------- run 4: ecsmini down --purge

start
# Compose: the example stack imported through the ECS API (ecsmini import), then seen by
# the AWS CLI like any other service (the README's Compose section).
if "$BIN" import examples/compose/compose.yaml --endpoint "$URL" >"$TMP/import.out" 2>"$TMP/import.err" </dev/null; then
	pass "ecsmini import examples/compose/compose.yaml: $(tail -n 1 "$TMP/import.out")"
else
	fail "ecsmini import examples/compose/compose.yaml" "$(tail -n 5 "$TMP/import.out" "$TMP/import.err")"
fi
ok "compose: list-services shows the imported stack" \
	'aws ecs list-services --cluster shop --endpoint-url $ECSMINI_ENDPOINT' \
	'[.serviceArns[] | split("/") | last] | sort == ["api","db","web","worker"]'
ok "compose: describe-services" \
	'aws ecs describe-services --cluster shop --services web api --endpoint-url $ECSMINI_ENDPOINT' \
	'[.services[].status] == ["ACTIVE","ACTIVE"]' '.services[1].desiredCount == 2' \
	'.services[0].loadBalancers[0].containerPort == 8080'

if out=$("$BIN" down --purge --endpoint "$URL" 2>&1) && grep -q "stopped ecsmini" <<<"$out"; then
	pass "ecsmini down --purge: stops the running ecsmini"
else
	fail "ecsmini down --purge: stops the running ecsmini" "$out"
fi
for ((i = 0; i < 300; i++)); do
	kill -0 "$PID" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$PID" 2>/dev/null; then
	fail "ecsmini down: the process is still running"
else
	wait "$PID"
	rc=$?
	PID=""
	if [ "$rc" -eq 0 ]; then pass "ecsmini down: up exits 0"; else fail "ecsmini down: up exits $rc"; fi
fi
if [ ! -e "$STATE" ]; then
	pass "ecsmini down --purge: the state directory is gone"
else
	fail "ecsmini down --purge: the state directory is still there" "$(ls -la "$STATE")"
fi

# ---------------------------------------------------------------- README walkthrough == this script

missing=$(awk '/^## AWS CLI walkthrough/ { on = 1; next } /^## / { on = 0 } on' README.md 2>/dev/null |
	sed -n 's/^[[:space:]]*\(aws ecs .*\)$/\1/p' | while IFS= read -r cmd; do
		grep -qxF -- "$cmd" "$RAN" || printf '%s\n' "$cmd"
	done)
shown=$(awk '/^## AWS CLI walkthrough/ { on = 1; next } /^## / { on = 0 } on' README.md 2>/dev/null | grep -c '^[[:space:]]*aws ecs ')
if [ "$shown" -eq 0 ]; then
	fail "README: no 'aws ecs' commands under '## AWS CLI walkthrough'"
elif [ -n "$missing" ]; then
	fail "README: walkthrough commands this script does not run (the README must work as shown)" "$missing"
else
	pass "README: all $shown walkthrough commands were run here, as written"
fi

finish
