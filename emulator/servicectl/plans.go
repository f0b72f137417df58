package servicectl

import (
	"slices"

	"github.com/ecsmini/ecsmini/emulator/scheduler"
)

// maxPlans bounds how many services' last plans are kept; the oldest entry goes first.
const maxPlans = 1024

// lastPlans keeps, per service key, the text of the last plan that started or stopped
// tasks (scheduler.Plan.String, with the placements admission decided), so that a test
// or a person can read where the reconciler put a service's tasks and why. Plans that
// only watch a steady service do not replace it. It lives in memory only.
type lastPlans struct {
	text  map[string]string
	order []string // keys, oldest first
}

// record keeps plan as the last plan of service k if it acted on tasks.
func (p *lastPlans) record(k string, plan scheduler.Plan) {
	if len(plan.Start) == 0 && len(plan.Stop) == 0 && len(plan.Placements) == 0 {
		return
	}
	if p.text == nil {
		p.text = map[string]string{}
	}
	if _, ok := p.text[k]; ok {
		p.order = slices.DeleteFunc(p.order, func(o string) bool { return o == k })
	} else if len(p.order) >= maxPlans {
		delete(p.text, p.order[0])
		p.order = p.order[1:]
	}
	p.text[k] = plan.String()
	p.order = append(p.order, k)
}

// forget drops service k's plan.
func (p *lastPlans) forget(k string) {
	if _, ok := p.text[k]; ok {
		delete(p.text, k)
		p.order = slices.DeleteFunc(p.order, func(o string) bool { return o == k })
	}
}

// LastPlan is the text of the last plan of the service with store key serviceKey that
// started or stopped tasks, placements included ("place web:3 on i-0abc (binpack
// memory)"); "" when there is none.
func (ctl *Ctl) LastPlan(serviceKey string) string {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	return ctl.plans.text[serviceKey]
}

// recordPlan keeps plan as serviceKey's last plan (see lastPlans); a released service's
// plan is forgotten.
func (ctl *Ctl) recordPlan(serviceKey string, plan scheduler.Plan, released bool) {
	ctl.mu.Lock()
	defer ctl.mu.Unlock()
	if released {
		ctl.plans.forget(serviceKey)
		return
	}
	ctl.plans.record(serviceKey, plan)
}
