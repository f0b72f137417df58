package state

import (
	"strings"
	"time"

	"github.com/ecsmini/ecsmini/ec2sim"
	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// ASG is a simulated EC2 Auto Scaling group (store table "autoScalingGroups", by
// region and name): the capacity behind an ASG capacity provider. Its instances join
// Cluster, as their user data would have them do.
type ASG struct {
	Name         string   `json:"name"`
	ARN          string   `json:"arn"`
	Cluster      string   `json:"cluster"`
	InstanceType string   `json:"instanceType"`
	AZs          []string `json:"azs"`
	Spot         bool     `json:"spot,omitempty"`
	Min          int      `json:"min"`
	Max          int      `json:"max"`
	Desired      int      `json:"desired"`
	// Booting are instances launched but not yet registered with the cluster.
	Booting []BootingInstance `json:"booting,omitempty"`
	// Scaling is what managed scaling carries between its one-minute evaluations.
	Scaling     ec2sim.ScalingState `json:"scaling"`
	NextEval    time.Time           `json:"nextEval"`
	Reservation float64             `json:"reservation"`
	LastReason  string              `json:"lastReason,omitempty"`
}

// BootingInstance is an instance an Auto Scaling group launched that registers at At.
type BootingInstance struct {
	AZ string    `json:"az"`
	At time.Time `json:"at"`
}

// ASGRequest creates or updates a simulated Auto Scaling group. Nil sizes keep what
// the group has (or 0, 0 and 10 for min, desired and max).
type ASGRequest struct {
	Name              string   `json:"name"`
	Cluster           string   `json:"cluster"`
	InstanceType      string   `json:"instanceType"`
	AvailabilityZones []string `json:"availabilityZones"`
	Spot              bool     `json:"spot"`
	MinSize           *int     `json:"minSize"`
	MaxSize           *int     `json:"maxSize"`
	DesiredCapacity   *int     `json:"desiredCapacity"`
}

// Resize applies the request's sizes and checks min ≤ desired ≤ max.
func (r *ASG) Resize(in ASGRequest) error {
	if in.MinSize != nil {
		r.Min = *in.MinSize
	}
	if in.MaxSize != nil {
		r.Max = *in.MaxSize
	}
	if in.DesiredCapacity != nil {
		r.Desired = *in.DesiredCapacity
	}
	r.Desired = max(r.Desired, r.Min)
	if r.Min < 0 || r.Max < r.Min || r.Desired > r.Max {
		return ecs.InvalidParameter("ValidationError: the sizes must satisfy 0 ≤ minSize ≤ desiredCapacity ≤ maxSize (got %d, %d, %d).", r.Min, r.Desired, r.Max)
	}
	return nil
}

// NextAZ is the zone a group launches its next instance in: the one with the fewest
// of its instances, as Auto Scaling balances zones.
func (r *ASG) NextAZ(counts map[string]int) string {
	best := r.AZs[0]
	for _, az := range r.AZs {
		if counts[az] < counts[best] {
			best = az
		}
	}
	counts[best]++
	return best
}

// ASGNameOf is the group name a capacity provider's autoScalingGroupArn names: the
// autoScalingGroupName of an Auto Scaling ARN, or the reference itself (ecsmini also
// accepts a bare name). An ARN of another account names no group of ours ("").
func ASGNameOf(account, ref string) string {
	a, ok := ecs.ParseARN(ref)
	if !ok {
		return ref
	}
	_, name, found := strings.Cut(a.Resource, ":autoScalingGroupName/")
	if a.Service != "autoscaling" || !found || !a.InAccount(account) {
		return ""
	}
	return name
}
