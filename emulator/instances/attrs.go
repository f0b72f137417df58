package instances

import (
	"context"
	"regexp"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
	"github.com/ecsmini/ecsmini/emulator/paging"
	"github.com/ecsmini/ecsmini/emulator/state"
	"github.com/ecsmini/ecsmini/emulator/store"
)

// Attribute rules (spec §3.4): names of letters, digits and -_/. ; values may also hold
// @, : and spaces, but not at either end.
var (
	attrNameRE  = regexp.MustCompile(`^[A-Za-z0-9\-_/.]{1,128}$`)
	attrValueRE = regexp.MustCompile(`^[A-Za-z0-9\-_.@/: ]{1,128}$`)
)

// maxCustomAttributes is how many custom attributes a resource may carry.
const maxCustomAttributes = 10

func validateAttribute(a ecs.Attribute) error {
	if !attrNameRE.MatchString(a.Name) {
		return ecs.InvalidParameter("Attribute name %q is invalid: up to 128 letters, numbers, hyphens, underscores, slashes and periods.", a.Name)
	}
	if v := a.Value; v != nil {
		if !attrValueRE.MatchString(*v) || strings.TrimSpace(*v) != *v {
			return ecs.InvalidParameter("Attribute value %q is invalid: up to 128 letters, numbers, hyphens, underscores, periods, at signs, slashes, colons and spaces, with no space at either end.", *v)
		}
	}
	return nil
}

// builtinAttribute says whether an attribute is one the agent manages.
func builtinAttribute(name string) bool {
	return strings.HasPrefix(name, "ecs.") || strings.HasPrefix(name, "com.amazonaws.ecs.")
}

// attributeTargets resolves each attribute's target instance, checking the request as
// ECS does. It must run inside a store transaction.
func (o *Ops) attributeTargets(ck string, attrs []ecs.Attribute) ([]string, error) {
	if len(attrs) == 0 {
		return nil, ecs.InvalidParameter("attributes can not be empty.")
	}
	if len(attrs) > 10 {
		return nil, ecs.InvalidParameter("attributes can have at most 10 items.")
	}
	keys := make([]string, len(attrs))
	for i, a := range attrs {
		if err := validateAttribute(a); err != nil {
			return nil, err
		}
		if builtinAttribute(a.Name) {
			return nil, ecs.InvalidParameter("Attribute %s is reserved: attributes that begin with ecs. or com.amazonaws.ecs. are managed by the agent.", a.Name)
		}
		if a.TargetType != "" && !ecs.EnumTargetType.Has(a.TargetType) {
			return nil, ecs.InvalidParameter("Invalid targetType '%s'. Valid values: %s.", a.TargetType, ecs.EnumTargetType.List())
		}
		if a.TargetID == "" {
			return nil, ecs.InvalidParameter("targetId can not be blank.")
		}
		ik, r, err := o.st.ResolveInstance(ck, a.TargetID)
		if err != nil || r.Instance.Status == ecs.InstanceInactive {
			return nil, ecs.Errorf("TargetNotFoundException", "Could not find %s.", a.TargetID)
		}
		keys[i] = ik
	}
	return keys, nil
}

// PutAttributes sets custom attributes on container instances.
func (o *Ops) PutAttributes(ctx context.Context, in *ecs.AttributesInput) (*ecs.AttributesOutput, error) {
	return o.changeAttributes(ctx, in, true)
}

// DeleteAttributes removes custom attributes from container instances.
func (o *Ops) DeleteAttributes(ctx context.Context, in *ecs.AttributesInput) (*ecs.AttributesOutput, error) {
	return o.changeAttributes(ctx, in, false)
}

func (o *Ops) changeAttributes(ctx context.Context, in *ecs.AttributesInput, put bool) (*ecs.AttributesOutput, error) {
	out := &ecs.AttributesOutput{Attributes: []ecs.Attribute{}}
	var changed []string
	err := o.st.Store.Update(func(tx *store.Tx) error {
		ck, _, err := o.st.ActiveCluster(ctx, in.Cluster)
		if err != nil {
			return err
		}
		keys, err := o.attributeTargets(ck, in.Attributes)
		if err != nil {
			return err
		}
		next := map[string]*state.Instance{} // the instances as this call leaves them
		for i, a := range in.Attributes {
			r, ok := next[keys[i]]
			if !ok {
				old, _ := o.st.Instances.Get(keys[i])
				cp := *old
				ci := *old.Instance
				ci.Attributes = append([]ecs.Attribute(nil), ci.Attributes...)
				ci.Version++
				cp.Instance = &ci
				r, next[keys[i]] = &cp, &cp
			}
			if put {
				r.Instance.Attributes = putAttribute(r.Instance.Attributes, ecs.Attribute{Name: a.Name, Value: a.Value})
				if customAttributes(r.Instance.Attributes) > maxCustomAttributes {
					return ecs.Errorf("AttributeLimitExceededException", "You can apply up to %d custom attributes per resource.", maxCustomAttributes)
				}
			} else {
				r.Instance.Attributes = dropAttribute(r.Instance.Attributes, a.Name)
			}
			shown := a
			shown.TargetType = "container-instance"
			shown.TargetID = r.Instance.ContainerInstanceArn
			out.Attributes = append(out.Attributes, shown)
		}
		for k, r := range next {
			o.st.Instances.Put(tx, k, r)
			changed = append(changed, r.Instance.ContainerInstanceArn)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Attributes decide memberOf placement: waiting tasks and DAEMON services look again.
	o.Changed(changed...)
	return out, nil
}

func customAttributes(attrs []ecs.Attribute) int {
	n := 0
	for _, a := range attrs {
		if !builtinAttribute(a.Name) {
			n++
		}
	}
	return n
}

func dropAttribute(attrs []ecs.Attribute, name string) []ecs.Attribute {
	out := attrs[:0]
	for _, a := range attrs {
		if a.Name != name {
			out = append(out, a)
		}
	}
	return out
}

// ListAttributes lists the attributes of a cluster's container instances, by name and
// value when asked.
func (o *Ops) ListAttributes(ctx context.Context, in *ecs.ListAttributesInput) (*ecs.AttributesOutput, error) {
	if !ecs.EnumTargetType.Has(in.TargetType) {
		return nil, ecs.InvalidParameter("Invalid targetType '%s'. Valid values: %s.", in.TargetType, ecs.EnumTargetType.List())
	}
	if in.AttributeValue != "" && in.AttributeName == "" {
		return nil, ecs.InvalidParameter("attributeName must be specified when attributeValue is.")
	}
	out := &ecs.AttributesOutput{Attributes: []ecs.Attribute{}}
	var err error
	o.st.Store.View(func() {
		var ck string
		if ck, _, err = o.st.ActiveCluster(ctx, in.Cluster); err != nil {
			return
		}
		var p paging.Page
		if p, err = paging.New(in.ListInput, ck+"\x00", 100, 100); err != nil {
			return
		}
		// Pages are of instances: every matching attribute of an instance comes together.
		recs, next := paging.List(o.st.Instances, p, ck+"\x00", false, func(_ string, r *state.Instance) bool {
			return r.Instance.Status != ecs.InstanceInactive && len(matchingAttributes(r, in)) > 0
		})
		for _, r := range recs {
			out.Attributes = append(out.Attributes, matchingAttributes(r, in)...)
		}
		out.NextToken = next
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func matchingAttributes(r *state.Instance, in *ecs.ListAttributesInput) []ecs.Attribute {
	var out []ecs.Attribute
	for _, a := range r.Instance.Attributes {
		if in.AttributeName != "" && a.Name != in.AttributeName {
			continue
		}
		if in.AttributeValue != "" && ecs.Deref(a.Value) != in.AttributeValue {
			continue
		}
		out = append(out, ecs.Attribute{Name: a.Name, Value: a.Value, TargetType: "container-instance", TargetID: r.Instance.ContainerInstanceArn})
	}
	return out
}
