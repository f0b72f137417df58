// Package emulator is ecsmini's control plane: the facade every ECS operation goes
// through, the single owner of state, and the one control loop. Read this first.
//
// # The packages
//
//	emulator             the facade: Config/New, the ECS operations (validate, commit,
//	                     kick; one file per resource and verb), the loop wiring, events
//	emulator/state       the store tables and their records (Task, Service, Instance,
//	                     ASG, TaskDef, ...), keys, capacity and the read helpers all share
//	emulator/admission   pure admission of new tasks: host ports, Fargate vCPU quotas,
//	                     EC2 placement and its random source
//	emulator/servicectl  the services reconciler: plan (scheduler) and carry out (each
//	                     service's last plan that acted is kept: LastPlan), the
//	                     membership index, local load balancers, DNS records, daemons
//	emulator/fargatectl  the Fargate reconciler: Spot capacity and interruptions,
//	                     retirement, Spot tasks held for capacity
//	emulator/tasksetctl  task sets of EXTERNAL and CODE_DEPLOY services: their operations
//	                     and the reconciler servicectl hands such services to
//	emulator/ec2ctl      the EC2 reconciler: instances booting and ending, EC2 Spot,
//	                     managed scaling, draining, tasks waiting for an instance
//	emulator/taskdefs    task definition operations over the state (register ... reap)
//	emulator/daemons     managed daemons: daemon task definitions, daemons, revisions,
//	                     deployments, and the reconciler keeping a task on every instance
//	emulator/gateways    service gateways and their cluster associations
//	emulator/providers   capacity providers and strategy checks; settings account settings
//	emulator/tagging     resource tags; protection task scale-in protection
//	emulator/instview    Describe/ListContainerInstances; paging the List operations' tokens
//	emulator/instances   container instances: registration (EC2 and external), attributes,
//	                     draining, deregistration, simulated Auto Scaling groups
//	emulator/anywhere    ECS Anywhere's remote agents: their poll for work, heartbeats,
//	                     disconnection, and the agent-side operations (Submit*StateChange)
//	emulator/servicedefs the pure checks of a service's definition (Create/UpdateService input)
//	emulator/eventemit   what is published on the event stream, and when
//	emulator/execsession ECS Exec sessions; cost the Fargate cost report; check shared checks
//	                     (launch type and task definition against launch, include values)
//	emulator/express     Express gateway services, over the facade's service operations
//	emulator/ecs         domain types, status enums, ECS errors and ARNs
//	emulator/taskdef     task definition validation and normalisation
//	emulator/store       versioned in-memory tables, journal and snapshots, commit hooks
//	emulator/clock       the only place that reads wall time: Real, Fake, Virtual; Activity
//	emulator/scheduler   the pure service planner: (service view, now) → Plan, typed events
//	emulator/svcdeploy   service deployment and revision records and their state machine;
//	                     deployments their operations (List/Describe/Stop/Continue)
//	emulator/strategy    BLUE_GREEN, LINEAR, CANARY: checks, the pure planner and step
//	                     machine, the hook and alarm ports (servicectl/strategy.go runs it)
//	emulator/agent       runs tasks on a container runtime: PlanTask (pure) and its executor
//	emulator/containers  the runtime port; sim the simulated engine, runtimetest its conformance
//	emulator/lb          the local load balancers (one per target group)
//	emulator/metadata    task metadata and credentials endpoints
//	emulator/logs        container output, kept for `ecsmini logs`
//	emulator/cwlogs      CloudWatch Logs; cwlogsapi its JSON protocol
//	emulator/events      the event stream (EventBridge-shaped), its filters and webhooks
//	emulator/discovery   the per-cluster DNS table tasks resolve service names with
//	emulator/svcdns      what fills it: service and Cloud Map registry names, Service
//	                     Connect aliases and proxies; the serviceConnectConfiguration check
//	emulator/serviceconnect  the Service Connect proxy a task's pause container runs
//	emulator/ssmsession  the Session Manager data channel; execchannel serves ECS Exec
//	emulator/httpapi     the ECS JSON 1.1 protocol over HTTP, one file per resource group
//	emulator/appscaling  Application Auto Scaling for services (a reconciler the loop runs,
//	                     added with AddReconciler; ecsbridge its ports, appscalingapi its API)
//	emulator/alarms      CloudWatch metric alarms on the ECS metrics (a reconciler too; their
//	                     actions run step scaling policies; cwapi its CBOR and JSON protocols)
//	emulator/hooks       deployment lifecycle hooks answered by user-mapped endpoints/commands
//	emulator/statefile   the synced JSON state files of appscaling, alarms and hooks
//	emulator/awsjson     the AWS JSON protocol framing of the Logs and Auto Scaling APIs
//	fargate, ec2sim      pure rules: Fargate sizes, Spot, retirement; instances, placement
//
// # The loop
//
// API handlers validate, commit one store transaction and kick the loop (loop.go); they
// never run reconcilers themselves. A pass runs, in this order and at one instant of the
// emulator clock: the managed daemons (daemons: a task on every instance, first, so it
// has its instance before other tasks), the services (servicectl: plan with
// scheduler.PlanService, carry out with an execution), Fargate (fargatectl: Spot
// interruptions, retirement of standalone tasks), EC2 (ec2ctl: instances booting and
// ending, Spot notices, managed scaling, the daemons again on new instances, then tasks
// waiting for capacity), the purges of expired resources, then the reconcilers
// added from outside (extensions.go: Application Auto Scaling). Each returns when it
// next falls due; the loop arms one timer at the earliest. The reconcilers share the
// state package and reach the facade only through a small Host interface (hosts.go):
// UpdateTask, the agent, the event stream; none imports package emulator
// (imports_test.go). The operation packages (taskdefs, providers, settings, ...) follow
// the same rule: functions over *state.State that the facade wraps in one line.
// Side effects that must follow a commit (launching tasks, load
// balancer registration, the membership index, published events) are registered with
// store.Tx.AfterCommit or run after Update returns, never under the store lock.
//
// Options are Config fields (load balancers, Spot interruption rates, Fargate quotas,
// the placement seed); only the agent is connected after New (SetRunner), because it is
// built on the emulator.
//
// Run drives the loop in `ecsmini up`. Tests drive it with Settle: it runs passes and
// waits for the agent and the simulated runtime (clock.Activity) until nothing is left
// to do at the current clock time, so a scenario reads clock.Advance(d); Settle; assert.
//
// # Lifecycles
//
// A task: RunTask (or a service pass, or StartTask) admits it (package admission: host
// ports, Fargate vCPU quota, EC2 placement; a service pass puts each admission in its
// plan as a placement, "place web:3 on i-0abc (binpack memory)") and records it
// PROVISIONING; after the
// commit the agent is told to launch it and moves it PROVISIONING → PENDING →
// ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED through
// UpdateTask, each change a new version and an ECS Task State Change event. StopTask, a
// service pass, Spot, retirement or an instance's end set desiredStatus STOPPED and
// nudge the agent. STOPPED tasks are forgotten after StoppedTaskTTL.
//
// A service: CreateService records it ACTIVE with a PRIMARY deployment; every pass
// plans it from its deployments and tasks (the membership index, servicectl) and
// writes typed events (scheduler.Event) whose Message is ECS's text. UpdateService
// starts a new deployment when the task definition or deployment-shaping fields change;
// the planner rolls tasks within minimumHealthyPercent/maximumPercent, replaces unhealthy
// tasks, and the circuit breaker fails or rolls back. DeleteService drains to INACTIVE.
//
// # Remote agents
//
// Tasks placed on an external instance that `ecsmini agent` registered (package
// instances) are not run here: taskRouter (anywhere.go) hands them to package anywhere,
// which that agent long-polls (internal/anywhere) as its heartbeat; its reports come back through
// SubmitTaskStateChange, and a silent agent's instance is disconnected by the loop.
//
// # Glossary
//
// A "ref" is what a caller passes to name a resource (a name or an ARN); a "key" is the
// store key of a resource (region, NUL, name ...), ordered so that listings page in
// ECS's order. Resources are partitioned by region, as in AWS: the caller's region comes
// from the request context (its SigV4 credential scope), else the configured region. A
// "pass" is one run of every reconciler; "settled" means no kick, no work under way and
// nothing due at the current clock time.
package emulator
