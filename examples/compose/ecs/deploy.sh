#!/bin/sh
# Deploys this example to real AWS (written by 'ecsmini convert --format cli-input';
# run it from this directory's parent).
set -e
aws ecs create-cluster --cluster-name shop
aws ecs register-task-definition --cli-input-json file://ecs/db.taskdef.json
aws ecs create-service --cli-input-json file://ecs/db.service.json
aws ecs register-task-definition --cli-input-json file://ecs/api.taskdef.json
aws ecs create-service --cli-input-json file://ecs/api.service.json
aws ecs register-task-definition --cli-input-json file://ecs/migrate.taskdef.json
aws ecs run-task --cli-input-json file://ecs/migrate.task.json
aws ecs register-task-definition --cli-input-json file://ecs/web.taskdef.json
aws ecs create-service --cli-input-json file://ecs/web.service.json
aws ecs register-task-definition --cli-input-json file://ecs/worker.taskdef.json
aws ecs create-service --cli-input-json file://ecs/worker.service.json
