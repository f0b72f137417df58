# ecsmini's Terraform tier (.ci/terraform.sh): the hashicorp/aws provider, unchanged,
# against `ecsmini up --runtime sim`. Applied, planned (no changes), changed through
# var.generation, applied and planned again, then destroyed.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  type        = string
  description = "ecsmini's URL, e.g. http://127.0.0.1:4566"
}

variable "generation" {
  type        = number
  default     = 1
  description = "bumped by the change step: a new task definition revision, desired count and tags"
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  # No skip_requesting_account_id: the provider asks ecsmini's STS for the account.
  endpoints {
    ecs = var.endpoint
    sts = var.endpoint
  }
}

data "aws_caller_identity" "me" {}

locals {
  account = data.aws_caller_identity.me.account_id
  asg     = "tf-asg"
  # The ARN ecsmini gives the simulated group "tf-asg" once `ecsmini asg create tf-asg`
  # makes it: stable, so the capacity provider can name it first.
  asg_arn = "arn:aws:autoscaling:us-east-1:${local.account}:autoScalingGroup:${uuidv5("url", "arn:aws:autoscaling:us-east-1:${local.account}:autoScalingGroupName/${local.asg}")}:autoScalingGroupName/${local.asg}"
}
