package httpapi_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkecs "github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const (
	rootARN = "arn:aws:iam::" + account + ":root"
	userARN = "arn:aws:iam::" + account + ":user/alice"
)

func settingsMap(ss []types.Setting) map[types.SettingName]string {
	m := map[types.SettingName]string{}
	for _, s := range ss {
		m[s.Name] = aws.ToString(s.Value)
	}
	return m
}

func (e *env) listSettings(t testing.TB, in sdkecs.ListAccountSettingsInput) []types.Setting {
	t.Helper()
	all, _ := collectPages(t, 20, func(tok *string) ([]types.Setting, *string, error) {
		in.NextToken = tok
		out, err := e.ecs.ListAccountSettings(ctx(t), &in)
		if err != nil {
			return nil, nil, err
		}
		return out.Settings, out.NextToken, nil
	})
	return all
}

func TestPutAccountSetting(t *testing.T) {
	e := newEnv(t)
	out := must[*sdkecs.PutAccountSettingOutput](t)(e.ecs.PutAccountSetting(ctx(t), &sdkecs.PutAccountSettingInput{
		Name: types.SettingNameFargateTaskRetirementWaitPeriod, Value: aws.String("14"),
	}))
	s := out.Setting
	if s.Name != types.SettingNameFargateTaskRetirementWaitPeriod || aws.ToString(s.Value) != "14" || aws.ToString(s.PrincipalArn) != rootARN || s.Type != types.SettingTypeUser {
		t.Fatalf("setting = %+v", s)
	}
	for _, tc := range []struct {
		name      string
		setting   types.SettingName
		value     string
		principal *string
		msg       string
	}{
		{name: "retirement wait 0", setting: types.SettingNameFargateTaskRetirementWaitPeriod, value: "0"},
		{name: "retirement wait 7", setting: types.SettingNameFargateTaskRetirementWaitPeriod, value: "7"},
		{name: "retirement wait 3", setting: types.SettingNameFargateTaskRetirementWaitPeriod, value: "3", msg: "Invalid setting 'value'"},
		{name: "upper-case ENABLED", setting: types.SettingNameContainerInsights, value: "ENABLED", msg: "Invalid setting 'value'"},
		{name: "on for enabled/disabled", setting: types.SettingNameAwsvpcTrunking, value: "on", msg: "Invalid setting 'value'"},
		{name: "tagResourceAuthorization off", setting: types.SettingNameTagResourceAuthorization, value: "off"},
		{name: "unknown name", setting: "noSuchSetting", value: "enabled", msg: "Invalid setting name 'noSuchSetting'"},
		{name: "read-only guardDutyActivate", setting: types.SettingNameGuardDutyActivate, value: "on", msg: "managed by AWS"},
		{name: "for a principal", setting: types.SettingNameContainerInsights, value: "enabled", principal: aws.String(userARN)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.ecs.PutAccountSetting(ctx(t), &sdkecs.PutAccountSettingInput{Name: tc.setting, Value: aws.String(tc.value), PrincipalArn: tc.principal})
			if tc.msg != "" {
				assertAPIError(t, err, "InvalidParameterException", tc.msg)
			} else if err != nil {
				t.Fatal(err)
			}
			_, err = e.ecs.PutAccountSettingDefault(ctx(t), &sdkecs.PutAccountSettingDefaultInput{Name: tc.setting, Value: aws.String(tc.value)})
			if tc.msg != "" {
				assertAPIError(t, err, "InvalidParameterException", tc.msg)
			} else if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestAccountSettingPrecedence(t *testing.T) {
	e := newEnv(t)
	eff := func(principal *string) map[types.SettingName]string {
		return settingsMap(e.listSettings(t, sdkecs.ListAccountSettingsInput{EffectiveSettings: true, PrincipalArn: principal, MaxResults: 5}))
	}
	defaults := eff(nil)
	if len(defaults) != 12 || defaults[types.SettingNameFargateTaskRetirementWaitPeriod] != "7" || defaults[types.SettingNameContainerInsights] != "disabled" ||
		defaults[types.SettingNameTaskLongArnFormat] != "enabled" || defaults[types.SettingNameTagResourceAuthorization] != "on" {
		t.Fatalf("built-in defaults = %v", defaults)
	}
	if own := e.listSettings(t, sdkecs.ListAccountSettingsInput{}); len(own) != 0 {
		t.Fatalf("nothing set, but listed %v", own)
	}
	must[*sdkecs.PutAccountSettingDefaultOutput](t)(e.ecs.PutAccountSettingDefault(ctx(t), &sdkecs.PutAccountSettingDefaultInput{Name: types.SettingNameContainerInsights, Value: aws.String("enabled")}))
	must[*sdkecs.PutAccountSettingOutput](t)(e.ecs.PutAccountSetting(ctx(t), &sdkecs.PutAccountSettingInput{Name: types.SettingNameContainerInsights, Value: aws.String("enhanced"), PrincipalArn: aws.String(userARN)}))
	if v := eff(nil)[types.SettingNameContainerInsights]; v != "enabled" {
		t.Fatalf("account default = %s", v)
	}
	if v := eff(aws.String(userARN))[types.SettingNameContainerInsights]; v != "enhanced" {
		t.Fatalf("principal's own = %s", v)
	}
	// New clusters take the account's containerInsights.
	if c := e.createCluster(t, "ci"); aws.ToString(c.Settings[0].Value) != "enabled" {
		t.Fatalf("new cluster settings = %+v", c.Settings)
	}

	named := e.listSettings(t, sdkecs.ListAccountSettingsInput{Name: types.SettingNameContainerInsights, PrincipalArn: aws.String(userARN)})
	if len(named) != 1 || aws.ToString(named[0].PrincipalArn) != userARN {
		t.Fatalf("name filter = %+v", named)
	}
	if got := e.listSettings(t, sdkecs.ListAccountSettingsInput{Name: types.SettingNameContainerInsights, Value: aws.String("disabled"), EffectiveSettings: true}); len(got) != 0 {
		t.Fatalf("value filter = %+v", got)
	}

	del := must[*sdkecs.DeleteAccountSettingOutput](t)(e.ecs.DeleteAccountSetting(ctx(t), &sdkecs.DeleteAccountSettingInput{Name: types.SettingNameContainerInsights, PrincipalArn: aws.String(userARN)}))
	if aws.ToString(del.Setting.Value) != "enhanced" {
		t.Fatalf("deleted setting = %+v", del.Setting)
	}
	if v := eff(aws.String(userARN))[types.SettingNameContainerInsights]; v != "enabled" {
		t.Fatalf("after delete the principal sees %s, want the account default", v)
	}
	for _, tc := range []struct {
		name string
		call func() error
		msg  string
	}{
		{"delete unset", func() error {
			_, err := e.ecs.DeleteAccountSetting(ctx(t), &sdkecs.DeleteAccountSettingInput{Name: types.SettingNameContainerInsights, PrincipalArn: aws.String(userARN)})
			return err
		}, "not set"},
		{"delete unknown name", func() error {
			_, err := e.ecs.DeleteAccountSetting(ctx(t), &sdkecs.DeleteAccountSettingInput{Name: "bogus"})
			return err
		}, "Invalid setting name 'bogus'"},
		{"list unknown name", func() error {
			_, err := e.ecs.ListAccountSettings(ctx(t), &sdkecs.ListAccountSettingsInput{Name: "bogus"})
			return err
		}, "Invalid setting name 'bogus'"},
		{"list maxResults 11", func() error {
			_, err := e.ecs.ListAccountSettings(ctx(t), &sdkecs.ListAccountSettingsInput{MaxResults: 11})
			return err
		}, "maxResults"},
		{"list bad token", func() error {
			_, err := e.ecs.ListAccountSettings(ctx(t), &sdkecs.ListAccountSettingsInput{NextToken: aws.String("!!")})
			return err
		}, "nextToken"},
	} {
		t.Run(tc.name, func(t *testing.T) { assertAPIError(t, tc.call(), "InvalidParameterException", tc.msg) })
	}
}
