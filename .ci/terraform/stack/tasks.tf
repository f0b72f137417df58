resource "aws_ecs_task_definition" "web" {
  family = "tf-web"
  container_definitions = jsonencode([{
    name      = "web"
    image     = "nginx:latest"
    memory    = 128
    essential = true
    portMappings = [{ containerPort = 80, hostPort = 0, protocol = "tcp" }]
    environment  = [{ name = "GENERATION", value = tostring(var.generation) }]
  }])
}

# Service Connect's port mapping as the AWS docs write it: appProtocol "http".
resource "aws_ecs_task_definition" "sc" {
  family                   = "tf-sc"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "256"
  memory                   = "512"
  container_definitions = jsonencode([{
    name      = "api"
    image     = "nginx:latest"
    essential = true
    portMappings = [{
      name          = "api"
      containerPort = 8080
      protocol      = "tcp"
      appProtocol   = "http"
    }]
    environment = [{ name = "GENERATION", value = tostring(var.generation) }]
  }])
}
