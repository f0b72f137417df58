#!/usr/bin/env bash
# .ci/terraform.sh — the Terraform tier: the real Terraform CLI and hashicorp/aws provider,
# unchanged, against the BUILT ecsmini (`ecsmini up --runtime sim`, temp state dir, free
# loopback port). Run from anywhere: bash .ci/terraform.sh
#
#   .ci/terraform/stack  (clusters, capacity providers incl. an Auto Scaling group one, task
#                         definitions incl. Service Connect's appProtocol "http", services incl.
#                         Fargate by capacity provider strategy with platform_version LATEST):
#                         apply → plan -detailed-exitcode (0) → change (var.generation=2) →
#                         apply → plan (0) → the group `ecsmini asg create` makes joins its
#                         provider → destroy (nothing left)
#   .ci/terraform/import  a cluster, task definition and service made with the AWS CLI →
#                         terraform import → plan (0) → destroy
#   .ci/terraform/tasksets  an EXTERNAL-controller service and an aws_ecs_task_set of it:
#                         apply → plan (0) → destroy
#   .ci/terraform/appscaling  a service with aws_appautoscaling_target (tagged),
#                         aws_appautoscaling_policy (target tracking and step) and
#                         aws_appautoscaling_scheduled_action: apply → plan (0) → destroy
#                         (nothing registered left)
#
# The provider comes from a filesystem mirror found at run time (find / -name
# 'terraform-provider-aws*'); nothing is downloaded. The provider block has endpoints for
# ecs and sts and no skip_requesting_account_id: the provider learns the account from
# ecsmini's STS GetCallerIdentity.
#
# Every check prints PASS or FAIL; the last line is "terraform: N passed, M failed"; the exit
# code is non-zero if anything failed or a prerequisite is missing.
#
# Needs: go (unless ECSMINI_BIN is set), terraform, aws (AWS CLI), python3, curl or python3.
# Env: ECSMINI_BIN=path  use an already built binary instead of building one.
#      TF_MIRROR=dir     use this filesystem mirror root instead of searching for one.
# shellcheck disable=SC2317
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 2

PASSED=0
FAILED=0
PID=""
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ecsmini-tf.XXXXXX")

cleanup() {
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null
		for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PID" 2>/dev/null
		wait "$PID" 2>/dev/null
	fi
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
	[ -n "${2:-}" ] && [ -s "$2" ] && sed 's/^/     /' "$2" | tail -n 60
}
finish() {
	echo "terraform: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ] && exit 0
	exit 1
}
abort() {
	fail "$@"
	[ -s "$TMP/up.err" ] && { echo "---- ecsmini stderr"; tail -n 30 "$TMP/up.err"; }
	echo "terraform: aborting, later checks cannot run"
	finish
}

# ------------------------------------------------------------------ prerequisites

command -v terraform >/dev/null 2>&1 ||
	abort "prerequisite: terraform not found on PATH (this tier needs Terraform 1.11.x)"

MIRROR="${TF_MIRROR:-}"
if [ -z "$MIRROR" ]; then
	# The mirror's layout is ROOT/registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/binary.
	bin=$(find / \( -path /proc -o -path /sys \) -prune -o -name 'terraform-provider-aws*' -type f -print 2>/dev/null | head -n 1)
	[ -n "$bin" ] || abort "prerequisite: no hashicorp/aws provider found (find / -name 'terraform-provider-aws*' found nothing); install it in a filesystem mirror (ROOT/registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/) or set TF_MIRROR"
	case "$bin" in
	*/registry.terraform.io/hashicorp/aws/*) MIRROR=${bin%%/registry.terraform.io/hashicorp/aws/*} ;;
	*) abort "prerequisite: $bin is not inside a filesystem mirror (ROOT/registry.terraform.io/hashicorp/aws/VERSION/OS_ARCH/)" ;;
	esac
fi
[ -d "$MIRROR/registry.terraform.io/hashicorp/aws" ] ||
	abort "prerequisite: $MIRROR is not a provider mirror (no registry.terraform.io/hashicorp/aws in it)"
echo "provider mirror: $MIRROR ($(ls "$MIRROR/registry.terraform.io/hashicorp/aws" | tr '\n' ' '))"

cat >"$TMP/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$TMP/terraformrc"
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
unset TF_LOG TF_CLI_ARGS TF_DATA_DIR TF_PLUGIN_CACHE_DIR
terraform version | head -n 1

for tool in aws python3; do
	command -v "$tool" >/dev/null 2>&1 || abort "prerequisite: '$tool' not found (bash .ci/run installs what is missing)"
done

# Isolate the AWS tools from the user's own configuration and credentials.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE
export AWS_CONFIG_FILE="$TMP/aws-config-none" AWS_SHARED_CREDENTIALS_FILE="$TMP/aws-credentials-none"
export AWS_EC2_METADATA_DISABLED=true AWS_PAGER="" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1

# ------------------------------------------------------------------ ecsmini

BIN="${ECSMINI_BIN:-}"
if [ -z "$BIN" ]; then
	BIN="$TMP/ecsmini"
	GOFLAGS="${GOFLAGS:--buildvcs=false}" go build -o "$BIN" . || abort "go build failed"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
"$BIN" up --runtime sim --no-tui --listen "127.0.0.1:$PORT" --state-dir "$TMP/state" >"$TMP/up.out" 2>"$TMP/up.err" &
PID=$!
for _ in $(seq 1 100); do
	curl -fsS "$URL/_ecsmini/health" >/dev/null 2>&1 && break
	kill -0 "$PID" 2>/dev/null || abort "ecsmini up exited at start"
	sleep 0.1
done
curl -fsS "$URL/_ecsmini/health" >/dev/null 2>&1 || abort "ecsmini did not answer at $URL"
echo "ecsmini at $URL (state $TMP/state)"
export AWS_ENDPOINT_URL_ECS="$URL" AWS_ENDPOINT_URL_STS="$URL" ECSMINI_ENDPOINT="$URL"

# ------------------------------------------------------------------ helpers

# work copies a configuration to a fresh directory and runs terraform init there.
work() {
	local dir="$TMP/$1"
	cp -r ".ci/terraform/$1" "$dir"
	if terraform -chdir="$dir" init -no-color >"$TMP/$1.init.log" 2>&1; then
		pass "$1: terraform init (provider from the mirror)"
	else
		abort "$1: terraform init" "$TMP/$1.init.log"
	fi
}

# tf NAME DIR COMMAND ARGS...: runs a terraform command (its options before its
# arguments, as import needs), PASS when it exits 0.
tf() {
	local what=$1 dir=$2 cmd=$3
	shift 3
	if terraform -chdir="$TMP/$dir" "$cmd" -no-color -var "endpoint=$URL" "$@" >"$TMP/last.log" 2>&1; then
		pass "$dir: $what"
	else
		fail "$dir: $what" "$TMP/last.log"
	fi
}

# noChanges DIR [ARGS...]: plan -detailed-exitcode must be 0 (2 means drift).
noChanges() {
	local dir=$1
	shift
	terraform -chdir="$TMP/$dir" plan -detailed-exitcode -no-color -var "endpoint=$URL" "$@" >"$TMP/plan.log" 2>&1
	local rc=$?
	case $rc in
	0) pass "$dir: plan -detailed-exitcode${*:+ $*} is 0 (no changes)" ;;
	2) fail "$dir: plan${*:+ $*} shows changes (drift)" "$TMP/plan.log" ;;
	*) fail "$dir: plan${*:+ $*} failed (exit $rc)" "$TMP/plan.log" ;;
	esac
}

check() { # check WHAT COMMAND...: PASS when the command succeeds.
	local what=$1
	shift
	if "$@" >"$TMP/check.log" 2>&1; then pass "$what"; else fail "$what" "$TMP/check.log"; fi
}

deployments() { # deployments CLUSTER SERVICE: the number of deployments
	aws ecs describe-services --cluster "$1" --services "$2" --query 'length(services[0].deployments)' --output text
}

# ------------------------------------------------------------------ the stack

work stack
tf "apply" stack apply -auto-approve
noChanges stack
check "stack: Fargate-by-strategy service has platformVersion LATEST" \
	test "$(aws ecs describe-services --cluster tf-fargate --services tf-fargate-api --query 'services[0].platformVersion' --output text)" = LATEST
before=$(deployments tf-fargate tf-fargate-api)
tf "apply with no changes" stack apply -auto-approve
check "stack: applying no change started no deployment ($before deployment(s))" \
	test "$(deployments tf-fargate tf-fargate-api)" = "$before"

tf "apply the change (generation 2)" stack apply -auto-approve -var generation=2
noChanges stack -var generation=2
check "stack: the change rolled out as a new task definition revision" \
	test "$(aws ecs describe-services --cluster tf-fargate --services tf-fargate-api --query 'services[0].taskDefinition' --output text)" = \
	"arn:aws:ecs:us-east-1:000000000000:task-definition/tf-sc:2"

# The Auto Scaling group the capacity provider named before it existed.
check "stack: ecsmini asg create tf-asg joins the cluster of its capacity provider" \
	bash -c "'$BIN' asg create tf-asg --max 2 && '$BIN' asg ls | grep -E '^tf-asg +tf-ec2 .* tf-asg-cp'"
noChanges stack -var generation=2
# The group is not Terraform's: remove it (and its instances) as its owner would, first.
check "stack: ecsmini asg delete tf-asg" "$BIN" asg delete tf-asg

tf "destroy" stack destroy -auto-approve -var generation=2
check "stack: nothing ACTIVE left after destroy" \
	test "$(aws ecs describe-clusters --clusters tf-ec2 tf-fargate --query 'length(clusters[?status==`ACTIVE`])' --output text)" = 0

# ------------------------------------------------------------------ import

aws ecs create-cluster --cluster-name tf-import >/dev/null &&
	aws ecs register-task-definition --family tf-import \
		--container-definitions '[{"name":"app","image":"busybox:latest","memory":64,"essential":true}]' >/dev/null &&
	aws ecs create-service --cluster tf-import --service-name tf-import-svc --task-definition tf-import:1 --desired-count 0 >/dev/null ||
	abort "import: the AWS CLI could not make the cluster, task definition and service to import"
work import
tf "terraform import aws_ecs_cluster" import import aws_ecs_cluster.imported tf-import
tf "terraform import aws_ecs_task_definition" import import aws_ecs_task_definition.imported arn:aws:ecs:us-east-1:000000000000:task-definition/tf-import:1
tf "terraform import aws_ecs_service" import import aws_ecs_service.imported tf-import/tf-import-svc
# Import leaves the provider's own settings (wait_for_steady_state, ...) unset in the
# state; one apply records them, as after any import, and must not redeploy.
tf "apply after import (provider-only settings)" import apply -auto-approve
check "import: that apply started no deployment" test "$(deployments tf-import tf-import-svc)" = 1
noChanges import
tf "destroy" import destroy -auto-approve

# ------------------------------------------------------------------ Application Auto Scaling

work appscaling
tf "apply" appscaling apply -auto-approve
noChanges appscaling
check "appscaling: the scalable target is registered with its policies" \
	test "$(aws application-autoscaling describe-scaling-policies --service-namespace ecs --endpoint-url "$URL" --query 'length(ScalingPolicies)' --output text)" = 2
tf "apply with no changes" appscaling apply -auto-approve
noChanges appscaling
tf "destroy" appscaling destroy -auto-approve
check "appscaling: nothing registered after destroy" \
	test "$(aws application-autoscaling describe-scalable-targets --service-namespace ecs --endpoint-url "$URL" --query 'length(ScalableTargets)' --output text)" = 0

# ------------------------------------------------------------------ task sets

work tasksets
tf "apply" tasksets apply -auto-approve
noChanges tasksets
check "tasksets: the EXTERNAL service runs its task set's computed count (1 of 2 at 50 %)" \
	test "$(aws ecs describe-services --cluster tf-sets --services tf-external --query 'services[0].taskSets[0].computedDesiredCount' --output text)" = 1
tf "destroy" tasksets destroy -auto-approve
check "tasksets: the service is gone after destroy" \
	test "$(aws ecs describe-services --cluster tf-sets --services tf-external --query 'services[?status==`ACTIVE`] | length(@)' --output text 2>/dev/null || echo 0)" = 0

finish
