#!/usr/bin/env bash
# .ci/alarms.sh — CloudWatch alarms, step scaling and lifecycle hook mappings end to end:
# the BUILT ecsmini (sim runtime) driven by boto3's cloudwatch, application-autoscaling and
# ecs clients and the AWS CLI, as a user drives them. Run from anywhere:  bash .ci/alarms.sh
#
#   build → ecsmini up --runtime sim --hook ARN=cmd:true → eval "$(ecsmini env)" (boto3 and
#   aws find CloudWatch through AWS_ENDPOINT_URL_CLOUDWATCH) → put/describe/set-state/history/
#   delete alarms and their error names → a service whose tasks declare a CPU load
#   (ecsmini.sim/burn-cpu) puts a CPU alarm in ALARM and its step scaling policy scales the
#   service out (`ecsmini clock advance`) → `ecsmini alarm set/list`, `ecsmini hook
#   set/list/rm` → SIGTERM and restart on the same state dir: alarms and hooks are still there.
#
# Prints PASS/FAIL lines and "alarms: N passed, M failed"; exits non-zero on any failure.
# Needs: go, python3 with boto3, aws (AWS CLI). Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" alarms

for tool in python3 aws; do
	command -v "$tool" >/dev/null 2>&1 || { fail "prerequisite: $tool not found on PATH (bash .ci/run installs it)"; finish; }
done
python3 -c 'import boto3' 2>/dev/null || { fail "prerequisite: python3 has no boto3 (pip install boto3)"; finish; }

isolate_aws

build_ecsmini
HOOK=arn:aws:lambda:us-east-1:000000000000:function:smoke


start --hook "$HOOK=cmd:true"
eval "$("$BIN" env --endpoint "$URL" 2>/dev/null)"
if [ "${AWS_ENDPOINT_URL_CLOUDWATCH:-}" = "$URL" ]; then
	pass "ecsmini env exports AWS_ENDPOINT_URL_CLOUDWATCH"
else
	fail "ecsmini env exports AWS_ENDPOINT_URL_CLOUDWATCH" "got '${AWS_ENDPOINT_URL_CLOUDWATCH:-}'"
fi

python3 - "$BIN" "$URL" >"$TMP/boto3.out" 2>&1 <<'EOF'
import subprocess, sys, time
import boto3, botocore

BIN, URL = sys.argv[1], sys.argv[2]
failures = 0
def check(name, ok, detail=""):
    global failures
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else "\n     " + str(detail)))
    failures += 0 if ok else 1

def error_of(fn, **kw):
    try:
        fn(**kw)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    return None

def advance(span):
    subprocess.run([BIN, "clock", "advance", span, "--endpoint", URL], check=True, stdout=subprocess.DEVNULL)

def wait_for(cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    return cond()

cw = boto3.client("cloudwatch")
aas = boto3.client("application-autoscaling")
ecs = boto3.client("ecs")
T = dict(ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount")
DIMS = [{"Name": "ClusterName", "Value": "demo"}, {"Name": "ServiceName", "Value": "web"}]

ecs.create_cluster(clusterName="demo")
ecs.register_task_definition(family="burner", containerDefinitions=[{
    "name": "app", "image": "ecsmini-demo:latest", "cpu": 256, "memory": 512, "essential": True,
    "dockerLabels": {"ecsmini.sim/burn-cpu": "30m"}}])
ecs.create_service(cluster="demo", serviceName="web", taskDefinition="burner", desiredCount=1)
ecs.get_waiter("services_stable").wait(cluster="demo", services=["web"], WaiterConfig={"Delay": 1})

aas.register_scalable_target(ResourceId="service/demo/web", MinCapacity=1, MaxCapacity=5, **T)
pol = aas.put_scaling_policy(PolicyName="cpu-step", ResourceId="service/demo/web", PolicyType="StepScaling",
    StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity", "Cooldown": 600, "MetricAggregationType": "Average",
        "StepAdjustments": [{"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 1},
                            {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 2}]}, **T)

cw.put_metric_alarm(AlarmName="web-cpu-high", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
    Dimensions=DIMS, Period=60, EvaluationPeriods=2, DatapointsToAlarm=2, Threshold=50.0,
    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[pol["PolicyARN"]], AlarmDescription="web busy")
a = cw.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"]
check("PutMetricAlarm then DescribeAlarms: INSUFFICIENT_DATA with its configuration",
      len(a) == 1 and a[0]["StateValue"] == "INSUFFICIENT_DATA" and a[0]["Threshold"] == 50.0 and a[0]["Dimensions"] == DIMS
      and a[0]["AlarmArn"] == "arn:aws:cloudwatch:us-east-1:000000000000:alarm:web-cpu-high" and a[0]["AlarmActions"] == [pol["PolicyARN"]], a)
check("SetAlarmState of a missing alarm is ResourceNotFound",
      error_of(cw.set_alarm_state, AlarmName="nope", StateValue="ALARM", StateReason="x") == "ResourceNotFound")
check("PutMetricAlarm with Period 45 is InvalidParameterValue",
      error_of(cw.put_metric_alarm, AlarmName="bad", Namespace="AWS/ECS", MetricName="CPUUtilization", Statistic="Average",
               Period=45, EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold") == "InvalidParameterValue")
check("DeleteAlarms of a missing alarm is ResourceNotFound", error_of(cw.delete_alarms, AlarmNames=["nope"]) == "ResourceNotFound")

def desired():
    return ecs.describe_services(cluster="demo", services=["web"])["services"][0]["desiredCount"]

time.sleep(0.3)  # the loop's pass after the alarm starts its evaluation
advance("3m")
check("two minutes of declared CPU load put the alarm in ALARM",
      wait_for(lambda: cw.describe_alarms(StateValue="ALARM")["MetricAlarms"]), cw.describe_alarms()["MetricAlarms"])
check("its step scaling policy scales the service out by its step (+2: the load is far above the threshold)",
      wait_for(lambda: desired() == 3), desired())
acts = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId="service/demo/web")["ScalingActivities"]
check("DescribeScalingActivities shows the alarm's activity",
      acts and acts[0]["Description"] == "Setting desired count to 3." and acts[0]["Cause"] == "monitor alarm web-cpu-high in state ALARM triggered policy cpu-step", acts[:1])
hist = cw.describe_alarm_history(AlarmName="web-cpu-high", HistoryItemType="StateUpdate")["AlarmHistoryItems"]
check("DescribeAlarmHistory has the transition", hist and hist[0]["HistorySummary"] == "Alarm updated from INSUFFICIENT_DATA to ALARM" and len(hist) == 1, hist)
cw.set_alarm_state(AlarmName="web-cpu-high", StateValue="OK", StateReason="by hand")
check("SetAlarmState holds until the next evaluation", cw.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"][0]["StateValue"] == "OK")
advance("1m")
check("the next evaluation brings ALARM back",
      wait_for(lambda: cw.describe_alarms(AlarmNames=["web-cpu-high"])["MetricAlarms"][0]["StateValue"] == "ALARM"))
sys.exit(min(failures, 100))
EOF
rc=$?
cat "$TMP/boto3.out"
PASSED=$((PASSED + $(grep -c '^PASS' "$TMP/boto3.out")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$TMP/boto3.out")))
[ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/boto3.out" && fail "boto3 script crashed (exit $rc)"

# The AWS CLI and ecsmini's own commands, as the README shows them.
if out=$(aws cloudwatch describe-alarms --alarm-names web-cpu-high --query 'MetricAlarms[0].MetricName' --output text 2>&1) && [ "$out" = CPUUtilization ]; then
	pass "aws cloudwatch describe-alarms"
else
	fail "aws cloudwatch describe-alarms" "$out"
fi
if out=$("$BIN" alarm set deploy-guard ALARM --reason rehearsal --endpoint "$URL" 2>&1) &&
	out=$(aws cloudwatch describe-alarms --alarm-names deploy-guard --query 'MetricAlarms[0].[StateValue,StateReason]' --output text 2>&1) &&
	[ "$out" = "$(printf 'ALARM\trehearsal')" ]; then
	pass "ecsmini alarm set creates and sets an alarm the API shows"
else
	fail "ecsmini alarm set creates and sets an alarm the API shows" "$out"
fi
if out=$("$BIN" alarm list --endpoint "$URL" 2>&1) && grep -q '^deploy-guard  *ALARM' <<<"$out" && grep -q 'AWS/ECS/CPUUtilization' <<<"$out"; then
	pass "ecsmini alarm list"
else
	fail "ecsmini alarm list" "$out"
fi
if out=$("$BIN" hook set "${HOOK}2=http://127.0.0.1:9/hook" --endpoint "$URL" 2>&1) && out=$("$BIN" hook list --endpoint "$URL" 2>&1) &&
	grep -q "^$HOOK  *cmd:true" <<<"$out" && grep -q "^${HOOK}2  *http://127.0.0.1:9/hook" <<<"$out"; then
	pass "ecsmini hook set/list (the --hook mapping and a set one)"
else
	fail "ecsmini hook set/list" "$out"
fi
if out=$(curl -s -X POST -H 'Content-Type: application/json' "$URL/_ecsmini/hooks" -d "{\"arn\":\"$HOOK\",\"command\":\"id\"}") && grep -q AccessDenied <<<"$out"; then
	pass "a command hook is refused from anything but ecsmini's own client"
else
	fail "a command hook is refused from anything but ecsmini's own client" "$out"
fi

stop
start
if out=$("$BIN" hook list --endpoint "$URL" 2>&1) && grep -q "^${HOOK}2 " <<<"$out" &&
	out=$(aws cloudwatch describe-alarms --query 'length(MetricAlarms)' --output text 2>&1) && [ "$out" = 2 ]; then
	pass "after a restart the alarms and hook mappings are still there"
else
	fail "after a restart the alarms and hook mappings are still there" "$out"
fi
if "$BIN" hook rm "${HOOK}2" --endpoint "$URL" && ! "$BIN" hook list --endpoint "$URL" | grep -q "^${HOOK}2 "; then
	pass "ecsmini hook rm"
else
	fail "ecsmini hook rm"
fi
stop
finish
