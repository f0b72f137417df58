#!/usr/bin/env bash
# .ci/appscaling.sh — Application Auto Scaling end to end: the BUILT ecsmini (sim runtime)
# driven by boto3's application-autoscaling and ecs clients and the AWS CLI, as a user drives
# them. Run from anywhere:  bash .ci/appscaling.sh
#
#   build → ecsmini up --runtime sim (temp state dir, free loopback port) → eval "$(ecsmini env)"
#   (boto3 and aws find the API through AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING) → targets,
#   policies, scheduled actions, tags, error names → a service whose tasks declare a CPU load
#   (ecsmini.sim/burn-cpu) scales out and, once the load is gone, back in, with
#   `ecsmini clock advance` → a scheduled action fires at its time → SIGTERM and restart on the
#   same state dir: the target, its policy and its activities are still there.
#
# Prints PASS/FAIL lines and "appscaling: N passed, M failed"; exits non-zero on any failure.
# The ecsmini it started is always killed and the temp dir removed.
# Needs: go, python3 with boto3, aws (AWS CLI). Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" appscaling

for tool in python3 aws; do
	command -v "$tool" >/dev/null 2>&1 || { fail "prerequisite: $tool not found on PATH (bash .ci/run installs it)"; finish; }
done
python3 -c 'import boto3' 2>/dev/null || { fail "prerequisite: python3 has no boto3 (pip install boto3)"; finish; }

isolate_aws

build_ecsmini


start
eval "$("$BIN" env --endpoint "http://127.0.0.1:$PORT" 2>/dev/null)"
if [ "${AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING:-}" = "http://127.0.0.1:$PORT" ]; then
	pass "ecsmini env exports AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING"
else
	fail "ecsmini env exports AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING" "got '${AWS_ENDPOINT_URL_APPLICATION_AUTO_SCALING:-}'"
fi

# The boto3 part prints its own PASS/FAIL lines; its exit code is the number of failures.
# It moves the emulator clock with `ecsmini clock advance` (argv[1] is the binary).
python3 - "$BIN" "http://127.0.0.1:$PORT" >"$TMP/boto3.out" 2>&1 <<'EOF'
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
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None, None

def advance(span):
    subprocess.run([BIN, "clock", "advance", span, "--endpoint", URL], check=True, stdout=subprocess.DEVNULL)

def wait_for(what, cond, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.05)
    return cond()

aas = boto3.client("application-autoscaling")
ecs = boto3.client("ecs")
T = dict(ServiceNamespace="ecs", ScalableDimension="ecs:service:DesiredCount")

ecs.create_cluster(clusterName="demo")
ecs.register_task_definition(family="burner", containerDefinitions=[{
    "name": "app", "image": "ecsmini-demo:latest", "cpu": 256, "memory": 512, "essential": True,
    "dockerLabels": {"ecsmini.sim/burn-cpu": "10m"}}])
ecs.create_service(cluster="demo", serviceName="web", taskDefinition="burner", desiredCount=1)
ecs.get_waiter("services_stable").wait(cluster="demo", services=["web"], WaiterConfig={"Delay": 1})

check("RegisterScalableTarget for a missing service is ValidationException",
      error_of(aas.register_scalable_target, ResourceId="service/demo/nope", MinCapacity=1, MaxCapacity=2, **T)
      == ("ValidationException", "ECS service doesn't exist: service/demo/nope"))
arn = aas.register_scalable_target(ResourceId="service/demo/web", MinCapacity=1, MaxCapacity=4, Tags={"team": "web"}, **T)["ScalableTargetARN"]
check("RegisterScalableTarget answers the target's ARN", arn.startswith("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/"), arn)
tgt = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
check("DescribeScalableTargets lists it with its capacities and SuspendedState",
      len(tgt) == 1 and tgt[0]["MinCapacity"] == 1 and tgt[0]["MaxCapacity"] == 4 and tgt[0]["SuspendedState"]["DynamicScalingInSuspended"] is False, tgt)
check("ListTagsForResource", aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "web"})
check("PutScalingPolicy on an unregistered target is ObjectNotFoundException",
      error_of(aas.put_scaling_policy, PolicyName="p", ResourceId="service/demo/other", PolicyType="StepScaling",
               StepScalingPolicyConfiguration={"AdjustmentType": "ChangeInCapacity", "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]}, **T)[0]
      == "ObjectNotFoundException")
pol = aas.put_scaling_policy(PolicyName="cpu50", ResourceId="service/demo/web", PolicyType="TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration={"TargetValue": 50.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 60,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}, **T)
check("PutScalingPolicy (target tracking) answers the policy ARN and its two alarms",
      ":scalingPolicy:" in pol["PolicyARN"] and [a["AlarmName"].split("-")[2] for a in pol["Alarms"]] == ["AlarmHigh", "AlarmLow"], pol)

def desired():
    return ecs.describe_services(cluster="demo", services=["web"])["services"][0]["desiredCount"]

time.sleep(0.3)  # the loop's pass after the policy takes the baseline sample
advance("4m")
check("three minutes of declared CPU load scale the service out to its maximum", wait_for("scale out", lambda: desired() == 4), desired())
acts = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId="service/demo/web")["ScalingActivities"]
check("DescribeScalingActivities has AWS's description and cause",
      len(acts) == 1 and acts[0]["Description"] == "Setting desired count to 4." and acts[0]["StatusCode"] == "Successful"
      and "-AlarmHigh-" in acts[0]["Cause"] and acts[0]["Cause"].endswith("in state ALARM triggered policy cpu50"), acts)
events = ecs.describe_services(cluster="demo", services=["web"])["services"][0]["events"]
check("the scaling shows in the service's events", any("desired count set to 4 by Application Auto Scaling" in e["message"] for e in events), events[:3])
ecs.get_waiter("services_stable").wait(cluster="demo", services=["web"], WaiterConfig={"Delay": 1})
advance("11m")   # every task's ten minutes of load end
time.sleep(0.3)
advance("16m")   # fifteen quiet minutes and one
check("fifteen minutes without the load scale it back in", wait_for("scale in", lambda: desired() == 1), desired())

at = aas.describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"][0]["CreationTime"]
subprocess.run([BIN, "clock", "--endpoint", URL], check=True, stdout=subprocess.DEVNULL)
now = ecs.describe_services(cluster="demo", services=["web"])["services"][0]["events"][0]["createdAt"]
when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now.timestamp() + 600))
aas.put_scheduled_action(ScheduledActionName="rush", ResourceId="service/demo/web", Schedule="at(%s)" % when,
                         ScalableTargetAction={"MinCapacity": 3, "MaxCapacity": 4}, **T)
check("DescribeScheduledActions", [a["Schedule"] for a in aas.describe_scheduled_actions(ServiceNamespace="ecs")["ScheduledActions"]] == ["at(%s)" % when])
advance("11m")
check("the scheduled action raises the desired count at its time", wait_for("scheduled", lambda: desired() == 3), desired())
acts = aas.describe_scaling_activities(ServiceNamespace="ecs", ResourceId="service/demo/web")["ScalingActivities"]
check("its activities: the capacities, then the desired count",
      [(a["Description"], a["Cause"]) for a in acts[:2]] == [("Setting desired count to 3.", "minimum capacity was set to 3"),
       ("Setting min capacity to 3 and max capacity to 4", "scheduled action name rush was triggered")], acts[:2])
check("PutScheduledAction with a bad cron is ValidationException",
      error_of(aas.put_scheduled_action, ScheduledActionName="bad", ResourceId="service/demo/web", Schedule="cron(0 9 * * *)",
               ScalableTargetAction={"MinCapacity": 1}, **T)[0] == "ValidationException")
sys.exit(min(failures, 100))
EOF
rc=$?
cat "$TMP/boto3.out"
PASSED=$((PASSED + $(grep -c '^PASS' "$TMP/boto3.out")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$TMP/boto3.out")))
[ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/boto3.out" && fail "boto3 script crashed (exit $rc)"

# The AWS CLI, as the README shows it.
if out=$(aws application-autoscaling describe-scaling-policies --service-namespace ecs --resource-id service/demo/web --query 'ScalingPolicies[].PolicyName' --output text 2>&1) && [ "$out" = "cpu50" ]; then
	pass "aws application-autoscaling describe-scaling-policies"
else
	fail "aws application-autoscaling describe-scaling-policies" "$out"
fi

stop
start
if out=$(aws application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id service/demo/web --query 'length(ScalingActivities)' --output text 2>&1) && [ "$out" = 4 ]; then
	pass "after a restart the target's activities are still there"
else
	fail "after a restart the target's activities are still there" "$out"
fi
stop
finish
