package anywhere

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tokenFile is where a state directory keeps its join token.
const tokenFile = "agent-token"

// LoadOrCreateToken returns the join token of stateDir, making one (32 random bytes,
// hex, readable by the owner only) the first time.
func LoadOrCreateToken(stateDir string) (string, error) {
	path := filepath.Join(stateDir, tokenFile)
	b, err := os.ReadFile(path)
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return strings.TrimSpace(string(b)), nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("agent join token: %w", err)
	}
	tok := NewToken()
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return "", fmt.Errorf("agent join token: %w", err)
	}
	if err := os.WriteFile(path, []byte(tok+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("agent join token: %w", err)
	}
	return tok, nil
}

// NewToken makes a join token.
func NewToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b[:])
}

// validToken compares a request's bearer token with the join token in constant time.
func validToken(header, token string) bool {
	got, ok := strings.CutPrefix(header, "Bearer ")
	return ok && token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
}
