# The import step: a cluster and a service made with the AWS CLI are imported into
# this configuration (terraform import), which must then plan no changes.

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

resource "aws_ecs_cluster" "imported" {
  name = "tf-import"
}

resource "aws_ecs_task_definition" "imported" {
  family = "tf-import"
  container_definitions = jsonencode([{
    name      = "app"
    image     = "busybox:latest"
    memory    = 64
    essential = true
  }])
}

# As the AWS CLI made it: ECS defaults availabilityZoneRebalancing to ENABLED on
# CreateService (the provider's default is DISABLED), and an imported service's
# task_definition reads back as family:revision.
resource "aws_ecs_service" "imported" {
  name                          = "tf-import-svc"
  cluster                       = aws_ecs_cluster.imported.id
  task_definition               = "${aws_ecs_task_definition.imported.family}:${aws_ecs_task_definition.imported.revision}"
  desired_count                 = 0
  availability_zone_rebalancing = "ENABLED"
}
