// Package appscalingapi serves Application Auto Scaling's JSON 1.1 protocol
// (X-Amz-Target AnyScaleFrontendService.*) over an appscaling.Service, on the ECS
// listener.
package appscalingapi

import (
	"log/slog"
	"net/http"

	"github.com/ecsmini/ecsmini/emulator/appscaling"
	"github.com/ecsmini/ecsmini/emulator/awsjson"
)

// TargetPrefix is the X-Amz-Target prefix of every operation.
const TargetPrefix = "AnyScaleFrontendService."

const maxBody = 1 << 20

func protocol(log *slog.Logger) *awsjson.Protocol {
	return &awsjson.Protocol{Service: "Application Auto Scaling", TargetPrefix: TargetPrefix,
		ContentType: "application/x-amz-json-1.1", MaxBody: maxBody, BodyCode: appscaling.CodeValidation,
		InternalCode: "InternalServiceException", Log: log}
}

// Handler serves the API.
type Handler struct {
	p   *awsjson.Protocol
	ops map[string]awsjson.Operation
}

// New returns the API over s; log receives internal faults (nil discards them).
func New(s *appscaling.Service, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Handler{p: protocol(log), ops: map[string]awsjson.Operation{
		"RegisterScalableTarget":    awsjson.Op(s.RegisterScalableTarget),
		"DescribeScalableTargets":   awsjson.Op(s.DescribeScalableTargets),
		"DeregisterScalableTarget":  awsjson.Op(s.DeregisterScalableTarget),
		"PutScalingPolicy":          awsjson.Op(s.PutScalingPolicy),
		"DescribeScalingPolicies":   awsjson.Op(s.DescribeScalingPolicies),
		"DeleteScalingPolicy":       awsjson.Op(s.DeleteScalingPolicy),
		"PutScheduledAction":        awsjson.Op(s.PutScheduledAction),
		"DescribeScheduledActions":  awsjson.Op(s.DescribeScheduledActions),
		"DeleteScheduledAction":     awsjson.Op(s.DeleteScheduledAction),
		"DescribeScalingActivities": awsjson.Op(s.DescribeScalingActivities),
		"TagResource":               awsjson.Op(s.TagResource),
		"UntagResource":             awsjson.Op(s.UntagResource),
		"ListTagsForResource":       awsjson.Op(s.ListTagsForResource),
	}}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.p.Serve(w, r, h.ops) }
