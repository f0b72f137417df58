#!/usr/bin/env bash
# .ci/tasksets.sh — task sets end to end: the BUILT ecsmini (sim runtime) driven by the AWS
# CLI, as a user drives it. Run from anywhere:  bash .ci/tasksets.sh
#
#   build → ecsmini up --runtime sim → an EXTERNAL-controller service → create-task-set
#   (50 %) runs its computed count of tasks, started by the task set → describe-task-sets
#   --include TAGS → update-task-set (100 %) → a second set, update-service-primary-task-set →
#   delete-task-set --force drains the first → the errors ECS gives → a CODE_DEPLOY service
#   whose update-service --task-definition replaces its task set.
#
# Prints PASS/FAIL lines and "tasksets: N passed, M failed"; exits non-zero on any failure.
# The ecsmini it started is always killed and the temp dir removed.
# Needs: go, python3, aws (AWS CLI v1 or v2). Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" tasksets

isolate_aws
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1

build_ecsmini
"$BIN" up --state-dir "$TMP/state" --runtime sim --listen "127.0.0.1:$PORT" </dev/null >"$TMP/up.out" 2>"$TMP/up.err" &
PID=$!
up=""
for _ in $(seq 1 400); do
	if python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$PORT/_ecsmini/health" 2>/dev/null; then
		up=1
		break
	fi
	sleep 0.05
done
[ -n "$up" ] || { fail "ecsmini up did not answer" "$(tail -n 20 "$TMP/up.err")"; finish; }
export AWS_ENDPOINT_URL_ECS="http://127.0.0.1:$PORT"

# expect WHAT WANT COMMAND...: PASS when the command prints WANT.
expect() {
	local what=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then pass "$what"; else fail "$what" "want: $want" "got:  $got"; fi
}
# eventually WHAT WANT COMMAND...: as expect, retrying for up to 20 s (tasks start in real time).
eventually() {
	local what=$1 want=$2 got=""
	shift 2
	for _ in $(seq 1 200); do
		got=$("$@" 2>&1)
		[ "$got" = "$want" ] && { pass "$what"; return; }
		sleep 0.1
	done
	fail "$what" "want: $want" "got:  $got"
}
# refused WHAT CODE COMMAND...: PASS when the command fails with the exception CODE.
refused() {
	local what=$1 code=$2 out
	shift 2
	if out=$("$@" 2>&1); then fail "$what" "succeeded: $out"; return; fi
	case $out in *"($code)"*) pass "$what" ;; *) fail "$what" "$out" ;; esac
}
sets() { aws ecs describe-task-sets --cluster ts --service ext "$@"; }

aws ecs create-cluster --cluster-name ts >/dev/null
aws ecs register-task-definition --family web \
	--container-definitions '[{"name":"app","image":"busybox:latest","memory":64,"portMappings":[{"containerPort":80}]}]' >/dev/null
expect "create-service with deploymentController EXTERNAL and no task definition" "EXTERNAL	0" \
	aws ecs create-service --cluster ts --service-name ext --desired-count 4 --deployment-controller type=EXTERNAL \
	--query '[service.deploymentController.type, length(service.deployments)]' --output text

BLUE=$(aws ecs create-task-set --cluster ts --service ext --task-definition web --external-id blue \
	--scale unit=PERCENT,value=50 --tags key=colour,value=blue --query taskSet.id --output text)
case $BLUE in ecs-svc/*) pass "create-task-set answers with an ecs-svc/ id ($BLUE)" ;; *) fail "create-task-set" "$BLUE" ;; esac
eventually "the task set runs ceil(4 x 50 %) = 2 tasks and is STEADY_STATE" "2	2	STEADY_STATE" \
	sets --task-sets "$BLUE" --query 'taskSets[0].[computedDesiredCount, runningCount, stabilityStatus]' --output text
expect "its tasks are started by the task set" "$BLUE $BLUE" \
	bash -c "aws ecs describe-tasks --cluster ts --tasks \$(aws ecs list-tasks --cluster ts --service-name ext --query 'taskArns' --output text) --query 'tasks[].startedBy' --output text | tr '\t' ' '"
expect "describe-task-sets --include TAGS shows the tags" "colour	blue" \
	sets --task-sets "$BLUE" --include TAGS --query 'taskSets[0].tags[0].[key, value]' --output text
expect "update-task-set --scale value=100 computes 4" "4" \
	aws ecs update-task-set --cluster ts --service ext --task-set "$BLUE" --scale unit=PERCENT,value=100 --query taskSet.computedDesiredCount --output text
GREEN=$(aws ecs create-task-set --cluster ts --service ext --task-definition web --scale unit=PERCENT,value=25 --query taskSet.id --output text)
expect "update-service-primary-task-set makes the second set PRIMARY" "PRIMARY" \
	aws ecs update-service-primary-task-set --cluster ts --service ext --primary-task-set "$GREEN" --query taskSet.status --output text
eventually "describe-services lists both task sets, PRIMARY first, and runs 4 + 1 tasks" "$GREEN	5" \
	aws ecs describe-services --cluster ts --services ext --query 'services[0].[taskSets[0].id, runningCount]' --output text
expect "delete-task-set --force turns the set DRAINING" "DRAINING" \
	aws ecs delete-task-set --cluster ts --service ext --task-set "$BLUE" --force --query taskSet.status --output text
eventually "the deleted set's tasks stop and it is gone" "1 1" \
	bash -c "echo \$(aws ecs describe-task-sets --cluster ts --service ext --query 'length(taskSets)' --output text) \$(aws ecs list-tasks --cluster ts --service-name ext --query 'length(taskArns)' --output text)"

refused "update-task-set of an unknown set is TaskSetNotFoundException" TaskSetNotFoundException \
	aws ecs update-task-set --cluster ts --service ext --task-set ecs-svc/1 --scale unit=PERCENT,value=10
refused "a scale above 100 is InvalidParameterException" InvalidParameterException \
	aws ecs update-task-set --cluster ts --service ext --task-set "$GREEN" --scale unit=PERCENT,value=150
refused "update-service --task-definition on an EXTERNAL service is refused" InvalidParameterException \
	aws ecs update-service --cluster ts --service ext --task-definition web
aws ecs create-service --cluster ts --service-name rolling --task-definition web --desired-count 0 >/dev/null
refused "create-task-set on an ECS-controller service is refused" InvalidParameterException \
	aws ecs create-task-set --cluster ts --service rolling --task-definition web

TG=arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/ts-web/0123456789abcdef
aws ecs create-service --cluster ts --service-name cd --task-definition web:1 --desired-count 2 \
	--deployment-controller type=CODE_DEPLOY --load-balancers "targetGroupArn=$TG,containerName=app,containerPort=80" >/dev/null
eventually "a CODE_DEPLOY service runs one PRIMARY task set" "PRIMARY	2" \
	aws ecs describe-services --cluster ts --services cd --query 'services[0].[taskSets[0].status, taskSets[0].runningCount]' --output text
aws ecs register-task-definition --family web \
	--container-definitions '[{"name":"app","image":"busybox:latest","memory":64,"portMappings":[{"containerPort":80}]}]' >/dev/null
aws ecs update-service --cluster ts --service cd --task-definition web:2 >/dev/null
eventually "update-service --task-definition replaces the task set (CodeDeploy all at once)" "1	PRIMARY	arn:aws:ecs:us-east-1:000000000000:task-definition/web:2	2" \
	aws ecs describe-services --cluster ts --services cd \
	--query 'services[0].[length(taskSets), taskSets[0].status, taskSets[0].taskDefinition, runningCount]' --output text

finish
