package appscaling

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ecsmini/ecsmini/emulator/clock"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ErrNoService is what Services answers for a service that does not exist or is not
// ACTIVE.
var ErrNoService = errors.New("no such ECS service")

// Services is the ECS side of scaling: a service's desired count, and changing it.
type Services interface {
	DesiredCount(ctx context.Context, region, cluster, service string) (int, error)
	// SetDesiredCount changes the desired count and records message as a service event.
	SetDesiredCount(ctx context.Context, region, cluster, service string, n int, message string) error
}

// Sample is one look at a service's load.
type Sample struct {
	// CPU and Memory are the utilisation of the service's running tasks, in percent of
	// what the tasks reserve, as CloudWatch's ECS metrics compute it; meaningful when
	// Tasks > 0.
	CPU, Memory float64
	Tasks       int
	// Requests counts the requests the service's load balancers have forwarded since
	// they started; Targets is how many targets they have registered.
	Requests uint64
	Targets  int
	// HasBalancer says whether the service has a load balancer at all.
	HasBalancer bool
}

// Metrics samples a service's load.
type Metrics interface {
	Sample(ctx context.Context, region, cluster, service string) (Sample, error)
}

// Change is a scaling activity that changed a service's desired count, for the event
// stream.
type Change struct {
	Region             string
	Activity           ScalingActivity
	Old, New, Min, Max int
}

// Config configures a Service.
type Config struct {
	Dir      string // where the state is kept ("": in memory only)
	Clock    clock.Clock
	Region   string // the default region of callers without one
	Account  string
	Services Services
	Metrics  Metrics // nil: no datapoints (target tracking never fires)
	// OnChange, if set, hears of every activity that changed a desired count.
	OnChange func(Change)
	// Kick, if set, asks the control loop for a pass (after a change it must act on).
	Kick func()
	Log  *slog.Logger
}

// Service is Application Auto Scaling for ECS services. Its methods are safe for
// concurrent use.
type Service struct {
	cfg     Config
	mu      sync.Mutex
	targets map[string]*target // by targetKey
}

// target is a scalable target with what hangs off it.
type target struct {
	Region       string             `json:"region"`
	T            ScalableTarget     `json:"target"`
	Tags         map[string]string  `json:"tags,omitempty"`
	LastScaleOut time.Time          `json:"lastScaleOut,omitzero"`
	LastScaleIn  time.Time          `json:"lastScaleIn,omitzero"`
	Policies     []*ScalingPolicy   `json:"policies,omitempty"`
	Actions      []*scheduledAction `json:"actions,omitempty"`
	Activities   []ScalingActivity  `json:"activities,omitempty"` // newest first
	// StepRuns is when each step scaling policy (by ARN) last scaled, for its Cooldown.
	StepRuns map[string]time.Time `json:"StepRuns,omitempty"`
	// The metric history is not kept across restarts: CloudWatch's alarms would start
	// over from the datapoints after the gap too.
	points     []point
	nextSample time.Time
	requests   uint64
	sampled    bool
	// recheck asks the next pass to look at the desired count even if nothing else
	// is due (a registration or policy changed).
	recheck bool
}

type scheduledAction struct {
	ScheduledAction
	Next time.Time `json:"next,omitzero"`
}

// point is one minute of the three metrics.
type point struct{ cpu, mem, req Datapoint }

// maxActivities bounds the activities kept per target.
const maxActivities = 200

func targetKey(region, resourceID string) string { return region + "\x00" + resourceID }

// Open loads the state kept under cfg.Dir.
func Open(cfg Config) (*Service, error) {
	if cfg.Clock == nil {
		cfg.Clock = clock.Real{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{cfg: cfg, targets: map[string]*target{}}
	if err := s.load(); err != nil {
		return nil, fmt.Errorf("application auto scaling state: %w", err)
	}
	return s, nil
}

func (s *Service) region(ctx context.Context) string {
	if r := ecs.RegionFrom(ctx); r != "" {
		return r
	}
	return s.cfg.Region
}

func (s *Service) kick() {
	if s.cfg.Kick != nil {
		s.cfg.Kick()
	}
}

func validation(format string, args ...any) *ecs.Error {
	return ecs.Errorf(CodeValidation, format, args...)
}

// parseResource checks a TargetRef and splits its ResourceId.
func parseResource(namespace, resourceID, dimension string) (cluster, service string, err error) {
	if namespace == "" {
		return "", "", validation("1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null")
	}
	if resourceID == "" {
		return "", "", validation("1 validation error detected: Value null at 'resourceId' failed to satisfy constraint: Member must not be null")
	}
	if namespace != NamespaceECS {
		return "", "", validation("ecsmini serves Application Auto Scaling for ECS services only (service namespace ecs), not %s", namespace)
	}
	if dimension != "" && dimension != DimensionDesiredCount {
		return "", "", validation("Unsupported scalable dimension %s for service namespace ecs", dimension)
	}
	rest, ok := strings.CutPrefix(resourceID, "service/")
	c, n, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || c == "" || n == "" || strings.Contains(n, "/") {
		return "", "", validation("Unsupported resource ID %s. Use service/<cluster name>/<service name>", resourceID)
	}
	return c, n, nil
}

func notRegistered(r TargetRef) *ecs.Error {
	return ecs.Errorf(CodeObjectNotFound, "No scalable target registered for service namespace: %s, resource ID: %s, scalable dimension: %s",
		r.ServiceNamespace, r.ResourceId, r.ScalableDimension)
}

// lookup finds a registered target; the caller holds s.mu.
func (s *Service) lookup(region string, r TargetRef) (*target, error) {
	if _, _, err := parseResource(r.ServiceNamespace, r.ResourceId, r.ScalableDimension); err != nil {
		return nil, err
	}
	if r.ScalableDimension == "" {
		return nil, validation("1 validation error detected: Value null at 'scalableDimension' failed to satisfy constraint: Member must not be null")
	}
	t := s.targets[targetKey(region, r.ResourceId)]
	if t == nil {
		return nil, notRegistered(r)
	}
	return t, nil
}

func (s *Service) arn(region, kind string) string {
	return fmt.Sprintf("arn:aws:autoscaling:%s:%s:%s", region, s.cfg.Account, kind)
}

// page cuts a listing at a NextToken (an offset) and MaxResults (1-50, default 50).
func page[T any](all []T, token string, maxResults *int) ([]T, string, error) {
	start := 0
	if token != "" {
		if _, err := fmt.Sscanf(token, "%d", &start); err != nil || start < 0 || start > len(all) {
			return nil, "", ecs.Errorf(CodeBadNextToken, "Invalid token")
		}
	}
	n := 50
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 50 {
			return nil, "", validation("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 50", *maxResults)
		}
		n = *maxResults
	}
	end := min(start+n, len(all))
	next := ""
	if end < len(all) {
		next = fmt.Sprint(end)
	}
	return all[start:end], next, nil
}
