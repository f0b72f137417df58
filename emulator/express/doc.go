// Package express serves ECS Express gateway services (CreateExpressGatewayService,
// Describe, Update, Delete) over the emulator's state.
//
// An Express service is an ordinary ECS service that ECS builds and manages for the
// caller: a Fargate task definition whose container is named Main, a service in the
// cluster (default if none), an Application Load Balancer and target group, and a
// target tracking scaling policy. Locally the load balancer is ecsmini's local load
// balancer for the service's target group (its endpoint http://localhost:PORT), and the
// scaling is a scalable target and policy in Application Auto Scaling (package
// appscaling), registered through its API. The service and task definition are made
// through the facade's own operations (Host), so DescribeServices, ListServices and
// DescribeTaskDefinition show them as they show any other; this package keeps only
// what the ECS service does not carry: the Express configurations, roles and the
// target group, in the journaled table "expressServices".
package express
