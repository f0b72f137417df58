package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/ecsmini/ecsmini/emulator/metadata"
)

// fileCredentials are the keys a credentials file gives a role.
type fileCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
}

// loadCredentialsFile reads a JSON object mapping task role ARNs (or "*" for any other
// role) to {"AccessKeyId", "SecretAccessKey", "Token"}: the credentials a task with that
// role gets from the container credentials endpoint. Roles it does not name, when it
// has no "*", get ecsmini's static test keys (fallback). Credentials expire six hours
// after they are handed out, so SDKs refresh them as they would on ECS.
func loadCredentialsFile(path string, fallback func(now time.Time, taskARN, role string) metadata.Credentials) (func(time.Time, string, string) metadata.Credentials, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("credentials file: %w", err)
	}
	var roles map[string]fileCredentials
	if err := json.Unmarshal(b, &roles); err != nil {
		return nil, fmt.Errorf("credentials file %s: want a JSON object of role ARN → {AccessKeyId, SecretAccessKey, Token}: %w", path, err)
	}
	for role, c := range roles {
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return nil, fmt.Errorf("credentials file %s: role %s needs AccessKeyId and SecretAccessKey", path, role)
		}
	}
	return func(now time.Time, taskARN, role string) metadata.Credentials {
		c, ok := roles[role]
		if !ok {
			c, ok = roles["*"]
		}
		if !ok {
			return fallback(now, taskARN, role)
		}
		return metadata.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.Token,
			Expiration: now.Add(6 * time.Hour), RoleARN: role}
	}, nil
}
