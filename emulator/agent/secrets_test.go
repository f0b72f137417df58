package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

const (
	smARN  = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"
	ssmARN = "arn:aws:ssm:us-east-1:000000000000:parameter/myapp/api-key"
)

func testSecrets() SecretSource {
	return NewSecrets(map[string]string{
		smARN:            `{"password":"x","port":5432,"nested":{"a":1}}`,
		"/myapp/api-key": "k",
		"plain":          "p",
		"arn:aws:ssm:us-east-1:000000000000:parameter/flat":                 "f",
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:named-secret": "nosuffix",
		"arn:aws:secretsmanager:eu-west-1:000000000000:secret:eu-ZyXwVu":    "other region",
	})
}

func TestSecretsLookup(t *testing.T) {
	src := testSecrets()
	for _, tc := range []struct {
		ref, want string
	}{
		{smARN, `{"password":"x","port":5432,"nested":{"a":1}}`},
		{"arn:aws:secretsmanager:us-east-1:000000000000:secret:db", `{"password":"x","port":5432,"nested":{"a":1}}`}, // partial ARN
		{"db", `{"password":"x","port":5432,"nested":{"a":1}}`},                                                      // bare secret name
		{"arn:aws:secretsmanager:eu-west-1:000000000000:secret:eu", "other region"},
		{"arn:aws:secretsmanager:us-east-1:000000000000:secret:named-secret-Q1w2E3", "nosuffix"}, // full ARN, file has partial
		{ssmARN, "k"}, // parameter ARN, file has the name
		{"/myapp/api-key", "k"},
		{"myapp/api-key", "k"},
		{"flat", "f"}, // parameter name, file has the ARN
		{"/flat", "f"},
		{"plain", "p"},
	} {
		got, err := src.Lookup(tc.ref)
		if err != nil || got != tc.want {
			t.Errorf("Lookup(%s) = %q, %v; want %q", tc.ref, got, err, tc.want)
		}
	}
	for _, ref := range []string{
		"nope",
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:d",             // a prefix is not the secret
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf-XyZ", // nor a longer name
		"arn:aws:secretsmanager:us-east-1:000000000000:secret:eu",            // another region
		"arn:aws:secretsmanager:us-east-1:111111111111:secret:db",            // another account
		"arn:aws:ssm:us-east-1:000000000000:parameter/plainx",
		"arn:aws:ssm:us-east-1:000000000000:parameter/db-AbCdEf", // SSM never matches a secret ARN
	} {
		if v, err := src.Lookup(ref); !errors.Is(err, ErrSecretNotFound) {
			t.Errorf("Lookup(%s) = %q, %v; want ErrSecretNotFound", ref, v, err)
		}
	}
}

func TestResolveSecrets(t *testing.T) {
	src := testSecrets()
	const asm = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): "
	const ssm = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 1 time(s): "
	for _, tc := range []struct {
		name, valueFrom, want, wantErr string
		src                            SecretSource
	}{
		{name: "whole secret", valueFrom: smARN, want: `{"password":"x","port":5432,"nested":{"a":1}}`},
		{name: "json key", valueFrom: smARN + ":password::", want: "x"},
		{name: "json key without trailing colons", valueFrom: smARN + ":password", want: "x"},
		{name: "json key of a number", valueFrom: smARN + ":port::", want: "5432"},
		{name: "json key of an object", valueFrom: smARN + ":nested::", want: `{"a":1}`},
		{name: "partial ARN with key", valueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db:password::", want: "x"},
		{name: "AWSCURRENT stage", valueFrom: smARN + ":password:AWSCURRENT:", want: "x"},
		{name: "version id ignored", valueFrom: smARN + "::" + ":" + "0123456789abcdef0123456789abcdef", want: `{"password":"x","port":5432,"nested":{"a":1}}`},
		{name: "SSM ARN", valueFrom: ssmARN, want: "k"},
		{name: "SSM name", valueFrom: "/myapp/api-key", want: "k"},
		{name: "missing secret", valueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf:password::",
			wantErr: asm + "failed to fetch secret arn:aws:secretsmanager:us-east-1:000000000000:secret:gone-AbCdEf from secrets manager: ResourceNotFoundException: Secrets Manager can't find the specified secret."},
		{name: "missing json key", valueFrom: smARN + ":user::",
			wantErr: asm + "retrieved secret from Secrets Manager did not contain json key user"},
		{name: "json key of a plain secret", valueFrom: "arn:aws:secretsmanager:us-east-1:000000000000:secret:named-secret:k::",
			wantErr: asm + "retrieved secret from Secrets Manager is not a JSON object"},
		{name: "unknown stage", valueFrom: smARN + ":password:AWSPREVIOUS:",
			wantErr: "staging label: AWSPREVIOUS"},
		{name: "stage and version id", valueFrom: smARN + ":password:AWSCURRENT:abc",
			wantErr: "both a version ID and a version stage"},
		{name: "too many fields", valueFrom: smARN + ":a:b:c:d", wantErr: asm + "invalid secret reference"},
		{name: "missing parameter", valueFrom: "/myapp/gone", wantErr: ssm + "invalid parameters: /myapp/gone"},
		{name: "missing parameter ARN", valueFrom: "arn:aws:ssm:us-east-1:000000000000:parameter/gone",
			wantErr: ssm + "invalid parameters: arn:aws:ssm:us-east-1:000000000000:parameter/gone"},
		{name: "no source", valueFrom: "/myapp/api-key", src: nilSource{}, wantErr: "--secrets-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := src
			if _, ok := tc.src.(nilSource); ok {
				s = nil
			}
			got, err := resolveSecrets(s, []ecs.Secret{{Name: "V", ValueFrom: tc.valueFrom}})
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("resolved %v, want an error", got)
				}
				msg := "ResourceInitializationError: " + err.Error()
				if !strings.Contains(msg, tc.wantErr) || !strings.HasPrefix(msg, "ResourceInitializationError: unable to pull secrets or registry auth: ") {
					t.Errorf("error %q\nwant one containing %q", msg, tc.wantErr)
				}
				return
			}
			if err != nil || got["V"] != tc.want {
				t.Errorf("resolved %q, %v; want %q", got["V"], err, tc.want)
			}
		})
	}
}

// nilSource marks a case run without any secrets source.
type nilSource struct{ SecretSource }

func TestLoadSecretsFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.json")
	content := `{"` + smARN + `": {"password": "x"}, "/myapp/api-key": "k"}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := LoadSecretsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := resolveSecrets(src, []ecs.Secret{
		{Name: "PW", ValueFrom: smARN + ":password::"},
		{Name: "KEY", ValueFrom: ssmARN},
	})
	if err != nil || got["PW"] != "x" || got["KEY"] != "k" {
		t.Errorf("resolved %v, %v", got, err)
	}
	if err := os.WriteFile(path, []byte(`["not", "an", "object"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSecretsFile(path); err == nil || !strings.Contains(err.Error(), "JSON object") {
		t.Errorf("LoadSecretsFile of an array: %v", err)
	}
	if _, err := LoadSecretsFile(filepath.Join(dir, "absent.json")); err == nil {
		t.Error("LoadSecretsFile of an absent file: no error")
	}
}

// TestSecretLookupRef holds which reference the agent asks its source for: what a
// remote agent's source is allowed to be given.
func TestSecretLookupRef(t *testing.T) {
	arn := "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf"
	for _, tc := range []struct{ valueFrom, want string }{
		{arn, arn},
		{arn + ":password::", arn},
		{arn + ":password:AWSCURRENT:", arn},
		{"arn:aws:ssm:us-east-1:000000000000:parameter/app/key", "arn:aws:ssm:us-east-1:000000000000:parameter/app/key"},
		{"/app/key", "/app/key"},
	} {
		if got := SecretLookupRef(tc.valueFrom); got != tc.want {
			t.Errorf("SecretLookupRef(%q) = %q, want %q", tc.valueFrom, got, tc.want)
		}
	}
	// The agent asks for exactly that reference.
	src := &recordingSource{values: map[string]string{arn: `{"password":"p"}`}}
	if _, err := resolveSecrets(src, []ecs.Secret{{Name: "P", ValueFrom: arn + ":password::"}}); err != nil {
		t.Fatal(err)
	}
	if len(src.asked) != 1 || src.asked[0] != SecretLookupRef(arn+":password::") {
		t.Fatalf("asked %v", src.asked)
	}
}

type recordingSource struct {
	values map[string]string
	asked  []string
}

func (s *recordingSource) Lookup(ref string) (string, error) {
	s.asked = append(s.asked, ref)
	return NewSecrets(s.values).Lookup(ref)
}

// TestNoSecretsSourceHint: a source that stands for an unconfigured one (a remote
// agent's) gets the same hint in the task's reason as no source at all.
func TestNoSecretsSourceHint(t *testing.T) {
	for _, ref := range []string{"/app/key", "arn:aws:secretsmanager:us-east-1:000000000000:secret:db"} {
		_, err := resolveSecrets(unconfigured{}, []ecs.Secret{{Name: "K", ValueFrom: ref}})
		if err == nil || !strings.Contains(err.Error(), msgNoSource) {
			t.Errorf("%s: %v, want the hint %q", ref, err, msgNoSource)
		}
	}
}

type unconfigured struct{}

func (unconfigured) Lookup(ref string) (string, error) {
	return "", fmt.Errorf("%s: %w", ref, ErrNoSecretsSource)
}
