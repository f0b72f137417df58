#!/usr/bin/env bash
# .ci/logs.sh — CloudWatch Logs end to end: the BUILT ecsmini (sim runtime) driven by boto3's
# logs and ecs clients and the AWS CLI, as a user drives them. Run from anywhere:
#   bash .ci/logs.sh
#
#   build → ecsmini up --runtime sim (temp state dir, free loopback port) → eval "$(ecsmini env)"
#   (so boto3 and aws find Logs through AWS_ENDPOINT_URL_CLOUDWATCH_LOGS) → groups, streams, PutLogEvents,
#   GetLogEvents tokens, FilterLogEvents patterns and paging, retention, StartLiveTail, error names
#   and messages
#   → a task whose container logs with awslogs lands its lines in /ecs/<family>, stream
#   ecs/<container>/<task id>; one whose group is missing stops with ECS's reason → SIGTERM and
#   → Terraform applies, plans clean and destroys an aws_cloudwatch_log_group → SIGTERM and
#   restart on the same state dir: the events are still there.
#
# Prints PASS/FAIL lines and "logs: N passed, M failed"; exits non-zero on any failure. The
# ecsmini it started is always killed and the temp dir removed.
# Needs: go, python3 with boto3, aws (AWS CLI v1 or v2); terraform with the hashicorp/aws 5.100.0 mirror
# (TF_PLUGIN_MIRROR, default /opt/tf-plugins) if present. Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" logs

isolate_aws

build_ecsmini


start
eval "$("$BIN" env --endpoint "http://127.0.0.1:$PORT" 2>/dev/null)"
if [ "${AWS_ENDPOINT_URL_CLOUDWATCH_LOGS:-}" = "http://127.0.0.1:$PORT" ] && [ "${AWS_ENDPOINT_URL_LOGS:-}" = "http://127.0.0.1:$PORT" ]; then
	pass "ecsmini env exports AWS_ENDPOINT_URL_CLOUDWATCH_LOGS (what boto3 and the CLI read) and AWS_ENDPOINT_URL_LOGS"
else
	fail "ecsmini env exports the Logs endpoint" "got '${AWS_ENDPOINT_URL_CLOUDWATCH_LOGS:-}' '${AWS_ENDPOINT_URL_LOGS:-}'"
fi

# The boto3 part prints its own PASS/FAIL lines; its exit code is the number of failures.
python3 - "$TMP/task.arn" >"$TMP/boto3.out" 2>&1 <<'EOF'
import json, sys, time
import boto3, botocore

failures = 0
def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "\n     " + str(detail)))
    failures += 0 if ok else 1

def error_of(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None

# AWS_ENDPOINT_URL_CLOUDWATCH_LOGS and _ECS from `ecsmini env` point the clients at ecsmini.
logs = boto3.client("logs")
ecs = boto3.client("ecs")
now = int(time.time() * 1000)

logs.create_log_group(logGroupName="/app/api")
check("CreateLogGroup twice is ResourceAlreadyExistsException",
      error_of(logs.create_log_group, logGroupName="/app/api") == ("ResourceAlreadyExistsException", "The specified log group already exists"))
check("CreateLogStream in a missing group is ResourceNotFoundException",
      error_of(logs.create_log_stream, logGroupName="/nope", logStreamName="s") == ("ResourceNotFoundException", "The specified log group does not exist."))
logs.create_log_stream(logGroupName="/app/api", logStreamName="i-1")
events = [{"timestamp": now + i, "message": m} for i, m in enumerate([
    '{"level":"error","path":"/pay","latency":930}', "INFO GET /health 200", "ERROR Failed to process order 42",
    '{"level":"info","path":"/","latency":12}', "WARN slow disk"])]
r = logs.put_log_events(logGroupName="/app/api", logStreamName="i-1", logEvents=events)
check("PutLogEvents accepts a batch", "rejectedLogEventsInfo" not in r, r)
code, msg = error_of(logs.put_log_events, logGroupName="/app/api", logStreamName="i-1",
                     logEvents=[{"timestamp": now, "message": "b"}, {"timestamp": now - 1, "message": "a"}])
check("PutLogEvents out of order is InvalidParameterException", (code, msg) == ("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order."), (code, msg))

head = logs.get_log_events(logGroupName="/app/api", logStreamName="i-1", startFromHead=True, limit=2)
check("GetLogEvents startFromHead returns the oldest", [e["message"] for e in head["events"]] == [events[0]["message"], events[1]["message"]], head["events"])
seen, token = [e["message"] for e in head["events"]], head["nextForwardToken"]
while True:
    page = logs.get_log_events(logGroupName="/app/api", logStreamName="i-1", startFromHead=True, nextToken=token, limit=2)
    seen += [e["message"] for e in page["events"]]
    if page["nextForwardToken"] == token:
        break
    token = page["nextForwardToken"]
check("GetLogEvents forward tokens read everything and end on the same token", seen == [e["message"] for e in events], seen)
tail = logs.get_log_events(logGroupName="/app/api", logStreamName="i-1", limit=1)
back = logs.get_log_events(logGroupName="/app/api", logStreamName="i-1", limit=2, nextToken=tail["nextBackwardToken"])
check("GetLogEvents backward token reads before the tail", [e["message"] for e in back["events"]] == [events[2]["message"], events[3]["message"]], back["events"])

def filtered(**kw):
    pages = logs.get_paginator("filter_log_events").paginate(logGroupName="/app/api", **kw)
    return [e["message"] for p in pages for e in p["events"]]
check("FilterLogEvents term", filtered(filterPattern="ERROR") == [events[2]["message"]])
check("FilterLogEvents quoted phrase", filtered(filterPattern='"Failed to process"') == [events[2]["message"]])
check("FilterLogEvents ?optional terms", filtered(filterPattern="?WARN ?INFO") == [events[1]["message"], events[4]["message"]])
check("FilterLogEvents JSON pattern", filtered(filterPattern='{ $.level = "error" }') == [events[0]["message"]])
check("FilterLogEvents JSON numeric pattern", filtered(filterPattern="{ $.latency > 100 }") == [events[0]["message"]])
check("FilterLogEvents paginates (limit 2)", filtered(PaginationConfig={"PageSize": 2}) == [e["message"] for e in events])

code, msg = error_of(logs.put_retention_policy, logGroupName="/app/api", retentionInDays=2)
check("PutRetentionPolicy 2 days is InvalidParameterException", code == "InvalidParameterException", (code, msg))
logs.put_retention_policy(logGroupName="/app/api", retentionInDays=7)
groups = [g for p in logs.get_paginator("describe_log_groups").paginate(logGroupNamePrefix="/app/") for g in p["logGroups"]]
check("DescribeLogGroups shows the retention", [(g["logGroupName"], g.get("retentionInDays")) for g in groups] == [("/app/api", 7)], groups)

# StartLiveTail: boto3 must be told not to send it to the "stream-" host prefix.
import threading
from botocore.config import Config
tail = boto3.client("logs", config=Config(inject_host_prefix=False))
resp = tail.start_live_tail(logGroupIdentifiers=["/app/api"], logEventFilterPattern="ERROR")
def put_later():
    time.sleep(0.3)
    logs.put_log_events(logGroupName="/app/api", logStreamName="i-1", logEvents=[
        {"timestamp": int(time.time() * 1000), "message": "ERROR live one"}, {"timestamp": int(time.time() * 1000), "message": "INFO not this"}])
threading.Thread(target=put_later).start()
live, kinds = [], []
for i, ev in enumerate(resp["responseStream"]):
    kinds += list(ev)
    live += [r["message"] for r in ev.get("sessionUpdate", {}).get("sessionResults", [])]
    if live or i > 10:
        break
resp["responseStream"].close()
check("StartLiveTail streams sessionStart, then the new matching events", kinds[0] == "sessionStart" and live == ["ERROR live one"], (kinds, live))

# A task whose container logs with awslogs (the sim runtime prints ecsmini.sim/output lines).
def task_def(family, group, create):
    opts = {"awslogs-group": group, "awslogs-region": "us-east-1", "awslogs-stream-prefix": "ecs"}
    if create:
        opts["awslogs-create-group"] = "true"
    ecs.register_task_definition(family=family, requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512",
        executionRoleArn="arn:aws:iam::000000000000:role/ecsTaskExecutionRole",
        containerDefinitions=[{"name": "web", "image": "public.ecr.aws/nginx/nginx:latest", "essential": True,
            "dockerLabels": {"ecsmini.sim/output": "nginx ready\nGET / 200"},
            "logConfiguration": {"logDriver": "awslogs", "options": opts}}])
net = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}}
task_def("web", "/ecs/web", True)
arn = ecs.run_task(taskDefinition="web", launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
stream = "ecs/web/" + arn.rsplit("/", 1)[1]
msgs = []
for _ in range(200):
    try:
        msgs = [e["message"] for e in logs.get_log_events(logGroupName="/ecs/web", logStreamName=stream, startFromHead=True)["events"]]
    except logs.exceptions.ResourceNotFoundException:
        pass
    if len(msgs) == 2:
        break
    time.sleep(0.05)
check("awslogs: the task's lines are in /ecs/web, stream " + stream, msgs == ["nginx ready", "GET / 200"], msgs)
open(sys.argv[1], "w").write(stream)

task_def("nogroup", "/ecs/missing", False)
arn = ecs.run_task(taskDefinition="nogroup", launchType="FARGATE", networkConfiguration=net)["tasks"][0]["taskArn"]
task = {}
for _ in range(200):
    task = ecs.describe_tasks(tasks=[arn])["tasks"][0]
    if task["lastStatus"] == "STOPPED":
        break
    time.sleep(0.05)
check("awslogs: a missing group without awslogs-create-group stops the task as ECS does",
      task.get("stopCode") == "TaskFailedToStart" and task.get("stoppedReason", "").startswith(
          "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist."),
      (task.get("stopCode"), task.get("stoppedReason")))
sys.exit(min(failures, 100))
EOF
rc=$?
cat "$TMP/boto3.out"
PASSED=$((PASSED + $(grep -c '^PASS' "$TMP/boto3.out")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$TMP/boto3.out")))
[ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/boto3.out" && fail "boto3 script crashed (exit $rc)"

# The AWS CLI, as the README shows it.
STREAM=$(cat "$TMP/task.arn" 2>/dev/null)
if out=$(aws logs get-log-events --log-group-name /ecs/web --log-stream-name "$STREAM" --start-from-head --query 'events[].message' --output text 2>&1) && [ "$out" = "nginx ready	GET / 200" ]; then
	pass "aws logs get-log-events reads the task's stream"
else
	fail "aws logs get-log-events reads the task's stream" "$out"
fi
if out=$(aws logs filter-log-events --log-group-name /app/api --filter-pattern '{ $.level = "error" }' --query 'events[].message' --output text 2>&1) && [ "$out" = '{"level":"error","path":"/pay","latency":930}' ]; then
	pass "aws logs filter-log-events with a JSON pattern"
else
	fail "aws logs filter-log-events with a JSON pattern" "$out"
fi

# Terraform (1.11 with hashicorp/aws 5.100.0 from the local filesystem mirror): a log group with
# retention and tags applies, plans clean and destroys.
if command -v terraform >/dev/null 2>&1 && [ -d "${TF_PLUGIN_MIRROR:-/opt/tf-plugins}" ]; then
	mkdir -p "$TMP/tf"
	cat >"$TMP/tf/rc" <<TFRC
provider_installation {
  filesystem_mirror {
    path    = "${TF_PLUGIN_MIRROR:-/opt/tf-plugins}"
    include = ["registry.terraform.io/*/*"]
  }
  direct { exclude = ["registry.terraform.io/*/*"] }
}
TFRC
	cat >"$TMP/tf/main.tf" <<TF
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    cloudwatchlogs = "http://127.0.0.1:$PORT"
  }
}
resource "aws_cloudwatch_log_group" "web" {
  name              = "/ecs/terraform"
  retention_in_days = 14
  tags              = { app = "web" }
}
TF
	tf() { (cd "$TMP/tf" && TF_CLI_CONFIG_FILE="$TMP/tf/rc" TF_IN_AUTOMATION=1 terraform "$@" -input=false -no-color >>"$TMP/tf/log" 2>&1); }
	if tf init && tf apply -auto-approve; then pass "terraform apply: aws_cloudwatch_log_group with retention and tags"; else fail "terraform apply" "$(tail -n 20 "$TMP/tf/log")"; fi
	if tf plan -detailed-exitcode; then pass "terraform plan is clean after apply"; else fail "terraform plan is not clean" "$(tail -n 30 "$TMP/tf/log")"; fi
	if out=$(aws logs describe-log-groups --log-group-name-prefix /ecs/terraform --query 'logGroups[0].retentionInDays' --output text 2>&1) && [ "$out" = 14 ]; then
		pass "the Terraform log group has its retention"
	else
		fail "the Terraform log group has its retention" "$out"
	fi
	if tf destroy -auto-approve; then pass "terraform destroy"; else fail "terraform destroy" "$(tail -n 20 "$TMP/tf/log")"; fi
else
	echo "SKIP terraform (no terraform on PATH or no provider mirror at ${TF_PLUGIN_MIRROR:-/opt/tf-plugins})"
fi

stop
start
if out=$(aws logs get-log-events --log-group-name /ecs/web --log-stream-name "$STREAM" --start-from-head --query 'events[].message' --output text 2>&1) && [ "$out" = "nginx ready	GET / 200" ]; then
	pass "after a restart the task's events are still there"
else
	fail "after a restart the task's events are still there" "$out"
fi
stop
finish
