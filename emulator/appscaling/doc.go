// Package appscaling is Application Auto Scaling for ECS services (service namespace
// ecs, scalable dimension ecs:service:DesiredCount, resource IDs
// service/<cluster>/<service>): scalable targets, target tracking and step scaling
// policies, scheduled actions and scaling activities, kept in <state>/appscaling and
// run on the emulator clock.
//
// The package knows ECS only through two ports: Services (read and set a service's
// desired count) and Metrics (sample a service's CPU and memory utilisation and its
// load balancers' request counts). The emulator's control loop runs Reconcile on every
// pass, so `ecsmini clock advance` and --time-scale fast-forward scaling.
//
// # What runs as in AWS
//
//   - Target tracking (predefined ECSServiceAverageCPUUtilization,
//     ECSServiceAverageMemoryUtilization, ALBRequestCountPerTarget): one datapoint a
//     minute; AlarmHigh fires after 3 datapoints above the target, AlarmLow after 15
//     below 90 % of it; the policy asks for ceil(desired × metric ÷ target), clamped
//     to the capacities; ScaleOutCooldown and ScaleInCooldown (default 300 s) are kept;
//     DisableScaleIn has no AlarmLow act. With several policies, any one scales out and
//     scale-in needs all of them.
//   - Scheduled actions: at(), rate() and cron() in a Timezone; on firing they set the
//     target's capacities, and a desired count outside them is brought inside.
//   - SuspendedState suspends dynamic scale-in, scale-out, and scheduled scaling.
//   - Activities carry AWS's Description, Cause and StatusMessage texts.
//   - Step scaling policies run when a CloudWatch alarm (package alarms) whose actions
//     name them is in ALARM (or the state whose actions name them): ExecuteScalingPolicy
//     applies the step that contains the breach, with the policy's Cooldown.
//
// # What does not
//
//   - Customized metrics are stored and never evaluated.
//   - Minutes the clock skipped (an advance of an hour at once) get the one sample taken
//     after the jump, as if the load had been steady.
//   - During a scale-out cooldown ecsmini does not scale out again (AWS may, by the
//     capacity the first scale-out did not yet deliver).
package appscaling
