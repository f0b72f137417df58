// Package ecs holds ecsmini's domain types: the ECS resources and request/response shapes
// exactly as they travel in the ECS JSON 1.1 protocol (field names from the official API
// model), the ECS error type with its exception names, and ARN and ID helpers.
//
// The types carry JSON tags so that the HTTP layer and the state store share one
// definition; optional wire fields are pointers so that "absent" and "zero" stay distinct,
// as they are for ECS.
package ecs
