#!/usr/bin/env bash
# .ci/moto.sh — boto3 against the BUILT ecsmini (sim runtime), as a project that tests with
# moto's server mode would point its suite at ecsmini. Run from anywhere: bash .ci/moto.sh
#
#   build → ecsmini up --runtime sim → boto3: a service and its service deployment through
#   a rolling update (list/describe deployments and revisions, stop with ROLLBACK), daemon
#   task definitions, task set refusal → moto's reset
#   (requests.post(URL + "/moto-api/reset"), as moto's client sends it) leaves nothing →
#   SIGTERM.
#
# Prints PASS/FAIL lines and "moto: N passed, M failed"; exits non-zero on any failure.
# Needs: go, python3 with boto3 and requests. Env: ECSMINI_BIN=path to skip the build.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2
# shellcheck source=checks.sh
. "$ROOT/.ci/checks.sh" moto

python3 -c 'import boto3, requests' 2>/dev/null || { fail "python3 with boto3 and requests is needed"; finish; }
isolate_aws

build_ecsmini
"$BIN" up --state-dir "$TMP/state" --runtime sim --listen "127.0.0.1:$PORT" </dev/null >"$TMP/up.out" 2>"$TMP/up.err" &
PID=$!
for _ in $(seq 1 400); do
	python3 -c 'import sys,urllib.request; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$PORT/_ecsmini/health" 2>/dev/null && break
	sleep 0.05
done

# The boto3 part prints its own PASS/FAIL lines; its exit code is the number of failures.
python3 - "http://127.0.0.1:$PORT" >"$TMP/boto3.out" 2>&1 <<'EOF'
import sys, time
import boto3, requests

url = sys.argv[1]
ecs = boto3.client("ecs", endpoint_url=url, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
failures = 0

def check(name, cond, detail=""):
    global failures
    if cond:
        print("PASS " + name)
    else:
        failures += 1
        print("FAIL " + name + "\n     " + str(detail))

def until(fn, seconds=120):
    deadline = time.time() + seconds
    while True:
        v = fn()
        if v or time.time() > deadline:
            return v
        time.sleep(0.5)

ecs.create_cluster(clusterName="moto")
def register():
    return ecs.register_task_definition(family="app", containerDefinitions=[{"name": "app", "image": "busybox", "memory": 64,
        "command": ["workload"]}], requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512")["taskDefinition"]["taskDefinitionArn"]
v1, v2 = register(), register()
net = {"awsvpcConfiguration": {"subnets": ["subnet-12345678"]}}
ecs.create_service(cluster="moto", serviceName="svc", taskDefinition=v1, desiredCount=1, launchType="FARGATE", networkConfiguration=net)
first = ecs.list_service_deployments(cluster="moto", service="svc")["serviceDeployments"]
check("list_service_deployments right after create_service: one PENDING or IN_PROGRESS", len(first) == 1 and first[0]["status"] in ("PENDING", "IN_PROGRESS"), first)
ok = until(lambda: ecs.list_service_deployments(cluster="moto", service="svc", status=["SUCCESSFUL"])["serviceDeployments"])
check("the first deployment becomes SUCCESSFUL", len(ok) == 1, ok)
svc = ecs.update_service(cluster="moto", service="svc", taskDefinition=v2)["service"]
dep_id = svc["deployments"][0]["id"]
sds = ecs.list_service_deployments(cluster="moto", service="svc")["serviceDeployments"]
check("the update's service deployment targets the revision of " + dep_id,
      sds[0]["targetServiceRevisionArn"].endswith("/" + dep_id.split("/")[1]), sds)
stop = ecs.stop_service_deployment(serviceDeploymentArn=sds[0]["serviceDeploymentArn"], stopType="ROLLBACK")
check("stop_service_deployment(ROLLBACK) answers the ARN", stop["serviceDeploymentArn"] == sds[0]["serviceDeploymentArn"], stop)
done = until(lambda: [d for d in ecs.describe_service_deployments(serviceDeploymentArns=[sds[0]["serviceDeploymentArn"]])["serviceDeployments"]
                      if d["status"] == "ROLLBACK_SUCCESSFUL"])
check("the stopped deployment rolls back: ROLLBACK_SUCCESSFUL", len(done) == 1, done)
svc = ecs.describe_services(cluster="moto", services=["svc"])["services"][0]
check("the service is back on revision 1", svc["taskDefinition"] == v1, svc["taskDefinition"])
revs = ecs.describe_service_revisions(serviceRevisionArns=[sds[0]["targetServiceRevisionArn"]])["serviceRevisions"]
check("describe_service_revisions: the update's revision runs revision 2", len(revs) == 1 and revs[0]["taskDefinition"] == v2, revs)
try:
    ecs.create_task_set(cluster="moto", service="svc", taskDefinition=v1)
    check("create_task_set on an ECS-controller service is refused", False, "no error")
except ecs.exceptions.InvalidParameterException as e:
    check("create_task_set on an ECS-controller service is refused", "external deployment controllers" in str(e), e)

dtd = ecs.register_daemon_task_definition(family="agent", containerDefinitions=[{"name": "log", "image": "fluent-bit"}])
check("register_daemon_task_definition: agent:1", dtd["daemonTaskDefinitionArn"].endswith(":daemon-task-definition/agent:1"), dtd)
# (boto3's model has no gateway operations yet; the Go SDK tests drive those.)

t0 = time.time()
r = requests.post(url + "/moto-api/reset")
took = time.time() - t0
check("moto's reset: POST /moto-api/reset answers 200 in %.0f ms" % (took * 1000), r.status_code == 200 and took < 2, r.text)
check("after the reset: no clusters", ecs.list_clusters()["clusterArns"] == [], ecs.list_clusters())
check("after the reset: no task definitions", ecs.list_task_definitions()["taskDefinitionArns"] == [], "")
check("after the reset: no daemon task definitions", ecs.list_daemon_task_definitions()["daemonTaskDefinitions"] == [], "")
ecs.create_cluster(clusterName="moto")
check("after the reset: revisions count from 1 again", register().endswith(":task-definition/app:1"), "")
sys.exit(failures)
EOF
rc=$?
cat "$TMP/boto3.out"
PASSED=$((PASSED + $(grep -c '^PASS' "$TMP/boto3.out")))
FAILED=$((FAILED + $(grep -c '^FAIL' "$TMP/boto3.out")))
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$TMP/boto3.out"; then
	fail "boto3 script crashed (exit $rc)"
fi
kill -TERM "$PID" && wait "$PID"
rc=$?
PID=""
[ "$rc" -eq 0 ] && pass "ecsmini up stops on SIGTERM (exit 0)" || fail "ecsmini up exited $rc on SIGTERM"
finish
