// Package events is ecsmini's event stream: the events ECS and AWS Health send to
// EventBridge (ECS Task State Change, ECS Service Action, ECS Deployment State Change,
// ECS Container Instance State Change, AWS Health Event), in EventBridge's envelope.
//
// The emulator publishes each event on a Bus once the change it reports is committed.
// The Bus keeps the most recent events (History) and hands new ones to subscribers:
// `ecsmini events`, the TUI and scripts through Handler (GET /_ecsmini/events, NDJSON,
// ?follow=1 to stream), and Webhook, which POSTs each event to a local URL so that users
// can test their EventBridge handlers.
//
// Publishing never waits for a reader: a subscriber that falls behind loses events and
// is told so by a DetailDropped notice in its stream. Delivery is otherwise in publish
// order; two goroutines committing changes to the same resource at once may publish
// them in either order, so readers order and dedupe a resource's events by
// detail.version, as EventBridge's at-least-once delivery already requires.
//
// The package starts no goroutines of its own: a subscription ends when its context
// ends (or the Bus closes), Handler's followers end with their request or the context
// given to Handler, and Webhook.Run returns when its context ends and its queue is done.
package events
