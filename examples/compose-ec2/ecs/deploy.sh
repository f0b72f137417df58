#!/bin/sh
# Deploys this example to real AWS (written by 'ecsmini convert --format cli-input';
# run it from this directory's parent).
set -e
aws ecs create-cluster --cluster-name fleet
aws ecs register-task-definition --cli-input-json file://ecs/api.taskdef.json
aws ecs create-service --cli-input-json file://ecs/api.service.json
aws ecs register-task-definition --cli-input-json file://ecs/logs.taskdef.json
aws ecs create-service --cli-input-json file://ecs/logs.service.json
