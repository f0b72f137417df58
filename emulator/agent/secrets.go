package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/ecsmini/ecsmini/emulator/ecs"
)

// SecretSource is where ecsmini finds the values of a task's secrets, in place of
// Secrets Manager and SSM Parameter Store (ecsmini runs offline).
type SecretSource interface {
	// Lookup returns the value of ref: a Secrets Manager secret ARN, full (with the
	// 6-character suffix) or partial (without), an SSM parameter ARN, or a name. The
	// agent strips a secret ARN's json-key and version fields before asking. An absent
	// secret is an error wrapping ErrSecretNotFound.
	Lookup(ref string) (string, error)
}

// ErrSecretNotFound is wrapped by a SecretSource's error for an absent secret.
var ErrSecretNotFound = errors.New("secret not found")

// ErrNoSecretsSource is wrapped by a SecretSource that stands for a source that is not
// configured (a remote agent's, when its ecsmini has none): the task's reason then says
// how to configure one, as when the agent has no source at all.
var ErrNoSecretsSource = errors.New("no secrets source")

// LoadSecretsFile reads a JSON object mapping names or ARNs to values, e.g.
//
//	{"arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf": "{\"password\":\"x\"}",
//	 "/myapp/api-key": "k"}
//
// A value that is not a JSON string (an object, say) stands for its JSON text, so a
// JSON secret can be written without escaping. The file is read once.
func LoadSecretsFile(path string) (SecretSource, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets file: %w", err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("secrets file %s: want a JSON object of names or ARNs to values: %w", path, err)
	}
	values := make(map[string]string, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			values[k] = s
			continue
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, v); err != nil {
			return nil, fmt.Errorf("secrets file %s: %s: %w", path, k, err)
		}
		values[k] = compact.String()
	}
	return NewSecrets(values), nil
}

// NewSecrets is a SecretSource over a map from names or ARNs to values. A reference
// finds an entry written in another form of the same secret: a secret ARN with or
// without its random suffix, a parameter's ARN or its name, a bare secret name.
func NewSecrets(values map[string]string) SecretSource {
	m := secretsMap{values: make(map[string]string, len(values))}
	for k, v := range values {
		m.values[k] = v
		m.keys = append(m.keys, k)
	}
	sort.Strings(m.keys)
	return m
}

type secretsMap struct {
	values map[string]string
	keys   []string // sorted, so an ambiguous reference always finds the same entry
}

func (m secretsMap) Lookup(ref string) (string, error) {
	if v, ok := m.values[ref]; ok {
		return v, nil
	}
	want := parseSecretRef(ref)
	for _, k := range m.keys {
		if want.matches(parseSecretRef(k)) {
			return m.values[k], nil
		}
	}
	return "", fmt.Errorf("%s: %w", ref, ErrSecretNotFound)
}

// secretRef is a reference broken down: kind is "secretsmanager", "ssm" or "" (a bare
// name); name is the secret name (suffix kept) or the parameter name without its
// leading "/".
type secretRef struct {
	kind, region, account, name string
}

func parseSecretRef(ref string) secretRef {
	a, ok := ecs.ParseARN(ref)
	if !ok {
		return secretRef{name: strings.TrimPrefix(ref, "/")}
	}
	r := secretRef{kind: a.Service, region: a.Region, account: a.Account}
	res := a.Resource
	switch a.Service {
	case "secretsmanager":
		r.name = strings.TrimPrefix(res, "secret:")
	case "ssm":
		r.name = strings.TrimPrefix(strings.TrimPrefix(res, "parameter"), "/")
	default:
		r.name = res
	}
	return r
}

func (r secretRef) matches(o secretRef) bool {
	if r.kind != "" && o.kind != "" {
		if r.kind != o.kind || !sameIfSet(r.region, o.region) || !sameIfSet(r.account, o.account) {
			return false
		}
	}
	if r.kind == "secretsmanager" || o.kind == "secretsmanager" {
		return sameSecretName(r.name, o.name)
	}
	return r.name == o.name
}

func sameIfSet(a, b string) bool { return a == "" || b == "" || a == b }

// sameSecretName says whether two secret names are the same, one of them possibly with
// the "-XXXXXX" suffix Secrets Manager appends to ARNs.
func sameSecretName(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	return a == b || (len(a) == len(b)+7 && strings.HasPrefix(a, b) && isSecretSuffix(a[len(b):]))
}

func isSecretSuffix(s string) bool {
	if len(s) != 7 || s[0] != '-' {
		return false
	}
	for _, c := range s[1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ECS's words for secrets it cannot fetch; the task's stoppedReason is
// "ResourceInitializationError: " followed by one of these.
const (
	msgSecretsPrefix = "unable to pull secrets or registry auth: execution resource retrieval failed: "
	msgASMRetrieve   = msgSecretsPrefix + "unable to retrieve secret from asm: service call has been retried 1 time(s): "
	msgSSMRetrieve   = msgSecretsPrefix + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): "
	msgNoSource      = " (ecsmini has no secrets source: start it with --secrets-file FILE, a JSON object of names or ARNs to values)"
)

// resolveSecrets fetches a container's secrets from src as the ECS agent fetches them
// from Secrets Manager and SSM, and returns them by environment variable name. A Secrets
// Manager valueFrom may carry ":json-key:version-stage:version-id": the key picks a
// field of a JSON secret; ecsmini keeps one version of each secret, so the version id
// is accepted and ignored and the only stage is AWSCURRENT. A valueFrom that is not an
// ARN names an SSM parameter, as in ECS.
func resolveSecrets(src SecretSource, secrets []ecs.Secret) (map[string]string, error) {
	if len(secrets) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(secrets))
	for _, s := range secrets {
		v, err := resolveSecret(src, s.ValueFrom)
		if err != nil {
			return nil, err
		}
		out[s.Name] = v
	}
	return out, nil
}

func resolveSecret(src SecretSource, valueFrom string) (string, error) {
	ref := parseSecretRef(valueFrom)
	if ref.kind != "secretsmanager" {
		if ref.kind != "" && ref.kind != "ssm" {
			return "", fmt.Errorf("%sinvalid parameters: %s (not a Secrets Manager or SSM Parameter Store ARN)", msgSSMRetrieve, valueFrom)
		}
		v, err := lookup(src, valueFrom)
		if err != nil {
			return "", fmt.Errorf("%sinvalid parameters: %s%s", msgSSMRetrieve, valueFrom, noSourceHint(src, err))
		}
		return v, nil
	}
	// arn:aws:secretsmanager:region:account:secret:name[:json-key:version-stage:version-id]
	head, rest, _ := strings.Cut(valueFrom, ":secret:")
	fields := strings.Split(rest, ":")
	if len(fields) > 4 {
		return "", fmt.Errorf("%sinvalid secret reference %s: want arn:...:secret:name:json-key:version-stage:version-id", msgASMRetrieve, valueFrom)
	}
	fields = append(fields, "", "", "")[:4]
	id, key, stage, versionID := head+":secret:"+fields[0], fields[1], fields[2], fields[3]
	fetchErr := func(detail string) error {
		return fmt.Errorf("%sfailed to fetch secret %s from secrets manager: %s", msgASMRetrieve, id, detail)
	}
	switch {
	case stage != "" && versionID != "":
		return "", fetchErr("InvalidParameterException: You can't specify both a version ID and a version stage.")
	case stage != "" && stage != "AWSCURRENT":
		return "", fetchErr("ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: " + stage)
	}
	v, err := lookup(src, id)
	if err != nil {
		return "", fetchErr("ResourceNotFoundException: Secrets Manager can't find the specified secret." + noSourceHint(src, err))
	}
	if key == "" {
		return v, nil
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(v), &doc); err != nil {
		return "", fmt.Errorf("%sretrieved secret from Secrets Manager is not a JSON object, so it has no json key %s", msgASMRetrieve, key)
	}
	raw, ok := doc[key]
	if !ok {
		return "", fmt.Errorf("%sretrieved secret from Secrets Manager did not contain json key %s", msgASMRetrieve, key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	return string(raw), nil
}

// SecretLookupRef is the reference the agent asks its SecretSource for a secret's
// valueFrom: a Secrets Manager ARN without its json-key and version fields, anything
// else as it is. A remote agent's source (ecsmini's agent endpoints) gives a value only
// for a reference some task of that machine's names, and checks it with this.
func SecretLookupRef(valueFrom string) string {
	if parseSecretRef(valueFrom).kind != "secretsmanager" {
		return valueFrom
	}
	head, rest, _ := strings.Cut(valueFrom, ":secret:")
	name, _, _ := strings.Cut(rest, ":")
	return head + ":secret:" + name
}

func lookup(src SecretSource, ref string) (string, error) {
	if src == nil {
		return "", fmt.Errorf("%s: %w", ref, ErrSecretNotFound)
	}
	return src.Lookup(ref)
}

func noSourceHint(src SecretSource, err error) string {
	if src == nil || errors.Is(err, ErrNoSecretsSource) {
		return msgNoSource
	}
	return ""
}
