package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecsmini/ecsmini/emulator/metadata"
)

func TestLoadCredentialsFile(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	fallback := func(_ time.Time, _, role string) metadata.Credentials {
		return metadata.Credentials{AccessKeyID: "STATIC", RoleARN: role}
	}
	write := func(t *testing.T, body string) string {
		p := filepath.Join(t.TempDir(), "creds.json")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("lookup", func(t *testing.T) {
		f, err := loadCredentialsFile(write(t, `{"arn:aws:iam::1:role/app":{"AccessKeyId":"AKIAAPP","SecretAccessKey":"s","Token":"tok"}}`), fallback)
		if err != nil {
			t.Fatal(err)
		}
		got := f(now, "task", "arn:aws:iam::1:role/app")
		if got.AccessKeyID != "AKIAAPP" || got.SessionToken != "tok" || !got.Expiration.Equal(now.Add(6*time.Hour)) || got.RoleARN != "arn:aws:iam::1:role/app" {
			t.Errorf("app role: %+v", got)
		}
		if got := f(now, "task", "arn:aws:iam::1:role/other"); got.AccessKeyID != "STATIC" {
			t.Errorf("unnamed role without *: %+v", got)
		}
	})
	t.Run("wildcard", func(t *testing.T) {
		f, err := loadCredentialsFile(write(t, `{"*":{"AccessKeyId":"AKIAANY","SecretAccessKey":"s"}}`), fallback)
		if err != nil {
			t.Fatal(err)
		}
		if got := f(now, "task", "arn:aws:iam::1:role/x"); got.AccessKeyID != "AKIAANY" {
			t.Errorf("wildcard: %+v", got)
		}
	})
	for _, tc := range []struct{ name, body, want string }{
		{"not json", `nope`, "JSON object"},
		{"missing secret", `{"r":{"AccessKeyId":"a"}}`, "needs AccessKeyId and SecretAccessKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := loadCredentialsFile(write(t, tc.body), fallback); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := loadCredentialsFile(filepath.Join(t.TempDir(), "absent.json"), fallback); err == nil {
		t.Error("a missing file must be an error")
	}
}
