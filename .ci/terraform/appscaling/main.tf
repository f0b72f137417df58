# The Application Auto Scaling step: a service made by Terraform, registered as a
# scalable target with a target tracking policy, a step scaling policy and a scheduled
# action. Apply, then plan must show no changes.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type = string
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  endpoints {
    ecs                    = var.endpoint
    sts                    = var.endpoint
    applicationautoscaling = var.endpoint
  }
}

resource "aws_ecs_cluster" "scaled" {
  name = "tf-scaled"
}

resource "aws_ecs_task_definition" "web" {
  family = "tf-scaled-web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "ecsmini-demo:latest"
    cpu       = 256
    memory    = 128
    essential = true
  }])
}

resource "aws_ecs_service" "web" {
  name            = "tf-scaled-web"
  cluster         = aws_ecs_cluster.scaled.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 1
  lifecycle {
    ignore_changes = [desired_count] # Application Auto Scaling owns it
  }
}

resource "aws_appautoscaling_target" "web" {
  service_namespace  = "ecs"
  resource_id        = "service/${aws_ecs_cluster.scaled.name}/${aws_ecs_service.web.name}"
  scalable_dimension = "ecs:service:DesiredCount"
  min_capacity       = 1
  max_capacity       = 4
  tags = {
    team = "web"
  }
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "tf-cpu-60"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value       = 60
    scale_in_cooldown  = 120
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "steps" {
  name               = "tf-steps"
  policy_type        = "StepScaling"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 60
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_lower_bound = 0
      scaling_adjustment          = 1
    }
  }
}

resource "aws_appautoscaling_scheduled_action" "nightly" {
  name               = "tf-nightly"
  service_namespace  = aws_appautoscaling_target.web.service_namespace
  resource_id        = aws_appautoscaling_target.web.resource_id
  scalable_dimension = aws_appautoscaling_target.web.scalable_dimension
  schedule           = "cron(0 22 ? * MON-FRI *)"
  timezone           = "Europe/Paris"
  scalable_target_action {
    min_capacity = 1
    max_capacity = 2
  }
}
