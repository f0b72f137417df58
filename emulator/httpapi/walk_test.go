package httpapi_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// builtOnOtherBranches are operations other branches build in parallel; the lead
// empties this set when they land.
var builtOnOtherBranches = map[string]bool{}

// skipValidation removes the SDK's client-side check of required members, so that an
// empty input reaches the server.
func skipValidation(o *sdkecs.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		_, _ = s.Initialize.Remove("OperationInputValidation") // absent for operations without required members
		return nil
	})
}

// TestEveryOperationAnswered walks the Go SDK ECS client's operations (every method
// shaped (ctx, *XInput, ...func(*Options)) (*XOutput, error)) and calls each with an
// empty input: none may be unknown to ecsmini.
func TestEveryOperationAnswered(t *testing.T) {
	e := newEnv(t)
	ct := reflect.TypeOf(e.ecs)
	ctxType := reflect.TypeOf((*context.Context)(nil)).Elem()
	var walked, unknown []string
	for i := 0; i < ct.NumMethod(); i++ {
		m := ct.Method(i)
		ft := m.Type // receiver first
		if ft.NumIn() != 4 || !ft.IsVariadic() || ft.In(1) != ctxType || ft.In(2).Kind() != reflect.Pointer ||
			ft.In(2).Elem().Name() != m.Name+"Input" || ft.NumOut() != 2 {
			continue
		}
		walked = append(walked, m.Name)
		in := reflect.New(ft.In(2).Elem())
		out := m.Func.Call([]reflect.Value{reflect.ValueOf(e.ecs), reflect.ValueOf(ctx(t)), in, reflect.ValueOf(skipValidation)})
		err, _ := out[1].Interface().(error)
		var ae smithy.APIError
		isUnknown := errors.As(err, &ae) && ae.ErrorCode() == "UnknownOperationException"
		switch {
		case isUnknown && !builtOnOtherBranches[m.Name]:
			unknown = append(unknown, m.Name)
		case !isUnknown && builtOnOtherBranches[m.Name]:
			t.Logf("%s is answered now: take it out of builtOnOtherBranches", m.Name)
		case err != nil && !errors.As(err, &ae):
			t.Errorf("%s: not an API error: %v", m.Name, err)
		case err != nil && ae.ErrorCode() == "ServerException":
			t.Errorf("%s: %v", m.Name, err)
		}
	}
	if len(walked) < 88 {
		t.Errorf("walked %d operations, the SDK has at least 88: %s", len(walked), strings.Join(walked, " "))
	}
	slices.Sort(unknown)
	if len(unknown) > 0 {
		t.Errorf("%d operations answer UnknownOperationException: %s", len(unknown), strings.Join(unknown, " "))
	}
}
