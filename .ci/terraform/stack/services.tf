# EC2 service on the Auto Scaling group capacity provider (the cluster's default
# strategy). Its tasks wait for instances: nobody makes the group in this tier.
resource "aws_ecs_service" "ec2" {
  name            = "tf-ec2-web"
  cluster         = aws_ecs_cluster.ec2.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = var.generation
  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.asg.name
    weight            = 1
  }
  ordered_placement_strategy {
    type  = "spread"
    field = "attribute:ecs.availability-zone"
  }
  depends_on = [aws_ecs_cluster_capacity_providers.ec2]
}

# Fargate by capacity provider strategy, platform_version LATEST: must not drift.
resource "aws_ecs_service" "fargate" {
  name             = "tf-fargate-api"
  cluster          = aws_ecs_cluster.fargate.id
  task_definition  = aws_ecs_task_definition.sc.arn
  desired_count    = var.generation
  platform_version = "LATEST"
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
    base              = 1
  }
  capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
  network_configuration {
    subnets          = ["subnet-0a1b2c3d"]
    security_groups  = ["sg-0a1b2c3d"]
    assign_public_ip = false
  }
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
  tags = {
    generation = tostring(var.generation)
  }
  depends_on = [aws_ecs_cluster_capacity_providers.fargate]
}

# Fargate by launch type.
resource "aws_ecs_service" "fargate_lt" {
  name            = "tf-fargate-lt"
  cluster         = aws_ecs_cluster.fargate.id
  task_definition = aws_ecs_task_definition.sc.arn
  desired_count   = 1
  launch_type     = "FARGATE"
  network_configuration {
    subnets = ["subnet-0a1b2c3d"]
  }
}
