resource "aws_ecs_cluster" "ec2" {
  name = "tf-ec2"
  setting {
    name  = "containerInsights"
    value = "disabled"
  }
  tags = {
    generation = tostring(var.generation)
  }
}

resource "aws_ecs_cluster" "fargate" {
  name = "tf-fargate"
}

resource "aws_ecs_capacity_provider" "asg" {
  name = "tf-asg-cp"
  auto_scaling_group_provider {
    auto_scaling_group_arn         = local.asg_arn
    managed_termination_protection = "DISABLED"
    managed_scaling {
      status                    = "ENABLED"
      target_capacity           = 100
      minimum_scaling_step_size = 1
      maximum_scaling_step_size = 2
      instance_warmup_period    = 60
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "ec2" {
  cluster_name       = aws_ecs_cluster.ec2.name
  capacity_providers = [aws_ecs_capacity_provider.asg.name]
  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.asg.name
    weight            = 1
  }
}

resource "aws_ecs_cluster_capacity_providers" "fargate" {
  cluster_name       = aws_ecs_cluster.fargate.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = 1
  }
}
