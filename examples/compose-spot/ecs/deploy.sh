#!/bin/sh
# Deploys this example to real AWS (written by 'ecsmini convert --format cli-input';
# run it from this directory's parent).
set -e
aws ecs create-cluster --cluster-name batch --capacity-providers FARGATE FARGATE_SPOT
aws ecs register-task-definition --cli-input-json file://ecs/crunch.taskdef.json
aws ecs create-service --cli-input-json file://ecs/crunch.service.json
aws ecs register-task-definition --cli-input-json file://ecs/frontend.taskdef.json
aws ecs create-service --cli-input-json file://ecs/frontend.service.json
