#!/usr/bin/env bash
# .ci/express.sh — Express gateway services end to end: the BUILT ecsmini (sim runtime) driven
# by boto3's ecs and application-autoscaling clients and the AWS CLI. Run from anywhere:
#   bash .ci/express.sh
#
#   build → ecsmini up --runtime sim → create an Express service → its ECS service and task
#   definition through the ordinary API, its endpoint (the local load balancer) accepting
#   connections, its scalable target and policy → update (a new revision, a deployment) →
#   delete (draining, scaling gone) → error names → restart: the service is still described.
#
# Prints PASS/FAIL lines and "express: N passed, M failed"; exits non-zero on any failure.
# Needs: go, python3 with boto3, aws (AWS CLI). Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" express

for tool in python3 aws; do
	command -v "$tool" >/dev/null 2>&1 || { fail "prerequisite: $tool not found on PATH (bash .ci/run installs it)"; finish; }
done
python3 -c 'import boto3' 2>/dev/null || { fail "prerequisite: python3 has no boto3 (pip install boto3)"; finish; }

isolate_aws

build_ecsmini


start
eval "$("$BIN" env --endpoint "http://127.0.0.1:$PORT" 2>/dev/null)"

python3 - "http://127.0.0.1:$PORT" >"$TMP/boto3.out" 2>&1 <<'EOF'
import socket, sys, time
import boto3, botocore

URL = sys.argv[1]
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

kw = dict(region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
ecs = boto3.client("ecs", endpoint_url=URL, **kw)
aas = boto3.client("application-autoscaling", endpoint_url=URL, **kw)
INFRA = "arn:aws:iam::000000000000:role/ecsInfrastructureRoleForExpressServices"
EXEC = "arn:aws:iam::000000000000:role/ecsTaskExecutionRole"

svc = ecs.create_express_gateway_service(infrastructureRoleArn=INFRA, executionRoleArn=EXEC, serviceName="web",
                                         primaryContainer={"image": "nginx:1.27"})["service"]
arn = svc["serviceArn"]
cfg = svc["activeConfigurations"][0]
check("create: ACTIVE with ECS's defaults", svc["status"]["statusCode"] == "ACTIVE" and cfg["cpu"] == "256" and cfg["memory"] == "512"
      and cfg["scalingTarget"] == {"minTaskCount": 1, "maxTaskCount": 20, "autoScalingMetric": "AVERAGE_CPU", "autoScalingTargetValue": 60}, svc)
endpoint = cfg["ingressPaths"][0]["endpoint"]
check("create: the endpoint is a localhost URL", endpoint.startswith("http://localhost:"), endpoint)

for _ in range(100):
    s = ecs.describe_services(services=["web"])["services"][0]
    if s["runningCount"] == 1:
        break
    time.sleep(0.1)
check("describe-services: the Express service's ECS service runs its task", s["status"] == "ACTIVE" and s["runningCount"] == 1 and s["launchType"] == "FARGATE", s)
td = ecs.describe_task_definition(taskDefinition=s["taskDefinition"])["taskDefinition"]
check("describe-task-definition: container Main, Fargate", td["containerDefinitions"][0]["name"] == "Main" and "FARGATE" in td["requiresCompatibilities"], td)
try:
    socket.create_connection(("127.0.0.1", int(endpoint.rsplit(":", 1)[1])), timeout=2).close()
    check("the endpoint's local load balancer accepts connections", True)
except OSError as e:
    check("the endpoint's local load balancer accepts connections", False, e)
t = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/default/web"])["ScalableTargets"]
check("application-autoscaling: the scalable target is registered", len(t) == 1 and t[0]["MinCapacity"] == 1 and t[0]["MaxCapacity"] == 20, t)
p = aas.describe_scaling_policies(ServiceNamespace="ecs", ResourceId="service/default/web")["ScalingPolicies"]
check("application-autoscaling: a CPU target tracking policy at 60", len(p) == 1 and p[0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 60, p)

up = ecs.update_express_gateway_service(serviceArn=arn, primaryContainer={"image": "nginx:1.28"}, cpu="512", memory="1024")["service"]
check("update: the target configuration", up["targetConfiguration"]["cpu"] == "512" and up["targetConfiguration"]["primaryContainer"]["image"] == "nginx:1.28", up)
s = ecs.describe_services(services=["web"])["services"][0]
check("update: a deployment of revision 2", s["deployments"][0]["status"] == "PRIMARY" and s["deployments"][0]["taskDefinition"].endswith("/web:2"), s["deployments"])

check("describe: an unknown service is ResourceNotFoundException",
      error_of(ecs.describe_express_gateway_service, serviceArn="arn:aws:ecs:us-east-1:000000000000:service/default/nope")[0] == "ResourceNotFoundException")
check("create: min above max is InvalidParameterException",
      error_of(ecs.create_express_gateway_service, infrastructureRoleArn=INFRA, executionRoleArn=EXEC, serviceName="bad",
               primaryContainer={"image": "nginx"}, scalingTarget={"minTaskCount": 3, "maxTaskCount": 1})[0] == "InvalidParameterException")

ecs.create_express_gateway_service(infrastructureRoleArn=INFRA, executionRoleArn=EXEC, serviceName="gone", primaryContainer={"image": "nginx"})
d = ecs.delete_express_gateway_service(serviceArn=arn.replace("/web", "/gone"))["service"]
check("delete: DRAINING", d["status"]["statusCode"] == "DRAINING", d)
t = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=["service/default/gone"])["ScalableTargets"]
check("delete: the scalable target is gone", t == [], t)
check("delete twice is ServiceNotActiveException",
      error_of(ecs.delete_express_gateway_service, serviceArn=arn.replace("/web", "/gone"))[0] == "ServiceNotActiveException")
sys.exit(min(failures, 100))
EOF
rc=$?
cat "$TMP/boto3.out"
PASSED=$((PASSED + $(grep -c '^PASS' "$TMP/boto3.out")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$TMP/boto3.out")))
[ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/boto3.out" && fail "boto3 script crashed (exit $rc)"

# The AWS CLI, as the README shows it.
WEB=arn:aws:ecs:us-east-1:000000000000:service/default/web
if out=$(aws ecs describe-express-gateway-service --service-arn "$WEB" --query 'service.status.statusCode' --output text 2>&1) && [ "$out" = ACTIVE ]; then
	pass "aws ecs describe-express-gateway-service"
else
	fail "aws ecs describe-express-gateway-service" "$out"
fi

stop
start
if out=$(aws ecs describe-express-gateway-service --service-arn "$WEB" --query 'service.activeConfigurations[0].cpu' --output text 2>&1) && [ "$out" = 512 ]; then
	pass "after a restart the Express service is still described"
else
	fail "after a restart the Express service is still described" "$out"
fi
stop
finish
