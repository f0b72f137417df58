# Task sets: a service with the EXTERNAL deployment controller (no task definition of
# its own) and a task set of it at half its desired count. Apply, then plan must show
# no changes.

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
    ecs = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_ecs_cluster" "sets" {
  name = "tf-sets"
}

resource "aws_ecs_task_definition" "web" {
  family = "tf-sets-web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "ecsmini-demo:latest"
    memory    = 64
    essential = true
  }])
}

resource "aws_ecs_service" "external" {
  name          = "tf-external"
  cluster       = aws_ecs_cluster.sets.id
  desired_count = 2
  deployment_controller {
    type = "EXTERNAL"
  }
}

resource "aws_ecs_task_set" "blue" {
  service         = aws_ecs_service.external.id
  cluster         = aws_ecs_cluster.sets.id
  task_definition = aws_ecs_task_definition.web.arn
  external_id     = "blue"
  scale {
    unit  = "PERCENT"
    value = 50
  }
  tags = {
    colour = "blue"
  }
}
